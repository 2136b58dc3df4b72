// Errors Switchboard throws outside the backplanes are SwitchboardErrors with
// their code (the backplanes' are in test/backplanes; boot errors in boot-errors*.spec.ts).
import { ErrorCode, RuntimeErrorCode, SwitchboardError, WsValidationException } from '../../src';
import { wsArgumentsHost } from '../../src/controllers/exception-filter-chain';
import type { HandlerArgs } from '../../src/controllers/handler-context';
import { toExceptionBody } from '../../src/errors/to-exception-body';

describe('SwitchboardError codes outside the backplanes', () => {
  it.each(['http', 'rpc'] as const)('SB_WRONG_CONTEXT: a filter that asks its host for %s', (kind) => {
    const frame = { kind: 'event' as const, event: 'hello', message: 'hi' };
    const args = [{}, 'hi', { frame, emitter: {}, ack: () => undefined }, 'hello'] as unknown as HandlerArgs;
    const host = wsArgumentsHost(args);
    const error = ((): unknown => {
      try {
        return kind === 'http' ? host.switchToHttp() : host.switchToRpc();
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(error).toBeInstanceOf(SwitchboardError);
    expect(error).toMatchObject({
      code: RuntimeErrorCode.WRONG_CONTEXT,
      message: `a Switchboard handler runs in a "ws" context, not "${kind}"; use host.switchToWs()`,
    });
    expect(host.switchToWs().getPattern()).toBe('hello');
  });

  it('WsValidationException carries the wire code it becomes', () => {
    const error = new WsValidationException({ name: ['name must be a string'] });
    expect(error).toBeInstanceOf(SwitchboardError);
    expect(error.code).toBe(ErrorCode.VALIDATION_FAILED);
    expect(toExceptionBody(error).body).toMatchObject({ code: error.code, fields: { name: ['name must be a string'] } });
  });
});
