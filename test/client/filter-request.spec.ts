// The client SDK's request() against handlers whose errors an exception
// filter answers: it settles with the filter's frame, long before its timeout.
import { Catch, UseFilters, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { BaseWsExceptionFilter, WsException } from '@nestjs/websockets';
import { connect, SwitchboardClientError, type SwitchboardClient } from '../../client/node';
import { Gateway, On, SwitchboardModule, WsController, type WsConnection } from '../../src';
import { startApp, type RunningApp } from '../support/test-app';
import { within } from '../support/wait';

class OutOfStock extends Error {}

/** Answers with an ordinary event: the request resolves with its message. */
@Catch(OutOfStock)
class SubstituteFilter implements ExceptionFilter {
  catch(_error: OutOfStock, host: ArgumentsHost): void {
    host.switchToWs().getClient<WsConnection>().emit('order', { substitute: 'decaf' });
  }
}

/** Answers with an `exception` event: the request rejects with its code. */
@Catch(OutOfStock)
class SoldOutFilter implements ExceptionFilter {
  catch(error: OutOfStock, host: ArgumentsHost): void {
    host.switchToWs().getClient<WsConnection>().emit('exception', { status: 'error', code: 'SOLD_OUT', message: error.message });
  }
}

@WsController()
class CafeController {
  @On('order')
  @UseFilters(SubstituteFilter)
  order(): never {
    throw new OutOfStock('no espresso');
  }

  @On('strictOrder')
  @UseFilters(SoldOutFilter)
  strictOrder(): never {
    throw new OutOfStock('no espresso left');
  }

  @On('nestOrder')
  @UseFilters(new BaseWsExceptionFilter())
  nestOrder(): never {
    throw new WsException('kitchen closed');
  }
}

@Gateway('/ws', { controllers: [CafeController] })
class CafeGateway {}

/** Far beyond the bounded waits below: a request that settles did not just time out. */
const REQUEST_TIMEOUT = 60_000;
const SETTLES_WITHIN = 3000;

describe('client SDK request() answered by an exception filter', () => {
  let server: RunningApp;
  let client: SwitchboardClient;

  beforeAll(async () => {
    server = await startApp({ imports: [SwitchboardModule.forRoot()], providers: [CafeController, CafeGateway] });
    client = connect(server.ws('/ws'), { requestTimeout: REQUEST_TIMEOUT, reconnect: false });
    await client.ready(SETTLES_WITHIN);
  });
  afterAll(async () => {
    await client?.close();
    await server?.close();
  });

  it("resolves with the filter's answer when it is an ordinary event", async () => {
    const reply = await within(client.request('order', 'espresso'), SETTLES_WITHIN, 'the request answered by a filter to settle');
    expect(reply).toEqual({ substitute: 'decaf' });
  });

  it('rejects with the code and message of the exception the filter sends', async () => {
    const settled = client.request('strictOrder', 'espresso').then(
      () => undefined,
      (error: unknown) => error,
    );
    const error = await within(settled, SETTLES_WITHIN, 'the request answered by a filter to settle');
    expect(error).toBeInstanceOf(SwitchboardClientError);
    expect(error).toMatchObject({ code: 'SOLD_OUT', message: 'no espresso left' });
  });

  it("rejects with Nest's BaseWsExceptionFilter answer (code ERROR, its message)", async () => {
    const settled = client.request('nestOrder', 'espresso').catch((error: unknown) => error);
    expect(await within(settled, SETTLES_WITHIN, 'the request answered by a filter to settle')).toMatchObject({
      code: 'ERROR',
      message: 'kitchen closed',
    });
  });
});
