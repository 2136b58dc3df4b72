import { UnauthorizedException, type LoggerService } from '@nestjs/common';
import { Gateway, SwitchboardModule, type HandshakeContext, type OnBeforeConnect } from '../../src';
import { startApp, type RunningApp } from '../support/test-app';
import { TestClient } from '../support/test-client';

/** An auth step that throws what auth libraries throw on a malformed token. */
@Gateway('/ws/auth')
class AuthGateway implements OnBeforeConnect {
  beforeConnect(ctx: HandshakeContext) {
    if (ctx.query.token === 'malformed') throw new SyntaxError(`Unexpected token in JSON at position ${ctx.query.at}`);
    if (ctx.query.token === 'broken') throw new TypeError('cannot read the key');
    if (ctx.query.token === 'thrown-string') throw 'not an Error';
    if (ctx.query.token === undefined) throw new UnauthorizedException('token required');
    return true;
  }
}

/** What the app logged as errors, message first. */
class ErrorLines implements LoggerService {
  readonly lines: string[] = [];
  readonly stacks: string[] = [];
  log(): void {}
  warn(): void {}
  error(message: unknown, stack?: unknown): void {
    this.lines.push(String(message));
    if (stack !== undefined) this.stacks.push(String(stack));
  }
  about(text: string): string[] {
    return this.lines.filter((line) => line.includes(text));
  }
}

describe('handshakes whose hook throws', () => {
  let server: RunningApp | undefined;
  let logged: ErrorLines;

  beforeEach(async () => {
    logged = new ErrorLines();
    // The flood comes from one address: past the per-address rate cap (connection-caps.spec.ts) it would get 429s, not hooks that throw.
    const limits = { connectionRatePerIp: 1_000_000 };
    server = await startApp({ imports: [SwitchboardModule.forRoot({ limits })], providers: [AuthGateway] }, (app) => app.useLogger(logged));
  });
  afterEach(() => server?.close());

  const status = (query: string): Promise<number> => TestClient.refusedStatus(server!.ws(`/ws/auth?${query}`));

  it('answers 1,000 throwing handshakes with 500 each, logging the first with its stack and the rest as one count', async () => {
    const attempts = 1000;
    const statuses: number[] = [];
    // In batches, as a flood from many sockets would come, without running the machine out of ports.
    for (let i = 0; i < attempts; i += 50) {
      statuses.push(...(await Promise.all(Array.from({ length: 50 }, (_, j) => status(`token=malformed&at=${i + j}`)))));
    }
    expect(statuses).toEqual(Array(attempts).fill(500));
    expect(logged.lines).toEqual([
      'before-connect on /ws/auth threw SyntaxError (errors like it are counted, not logged, for the next 60 s)',
    ]);

    expect(logged.stacks).toEqual([
      expect.stringMatching(/^SyntaxError: Unexpected token in JSON at position \d+\n\s+at AuthGateway\.beforeConnect/),
    ]);

    // Still served: a good handshake connects.
    const client = await TestClient.connect(server!.ws('/ws/auth?token=good'));
    await client.close();

    // The count comes out when the interval ends, or here when the app stops.
    await server!.close();
    server = undefined;
    expect(logged.lines).toEqual([
      'before-connect on /ws/auth threw SyntaxError (errors like it are counted, not logged, for the next 60 s)',
      `before-connect on /ws/auth threw SyntaxError: ${attempts - 1} more since the one logged, not logged one by one`,
    ]);
  });

  it('logs each kind of error once, HTTP exceptions not at all, and answers each as documented', async () => {
    expect(await status('token=malformed&at=1')).toBe(500);
    expect(await status('token=broken')).toBe(500);
    expect(await status('token=broken')).toBe(500);
    expect(await status('token=thrown-string')).toBe(500);
    expect(await status('')).toBe(401);
    expect(logged.lines).toEqual([
      'before-connect on /ws/auth threw SyntaxError (errors like it are counted, not logged, for the next 60 s)',
      'before-connect on /ws/auth threw TypeError (errors like it are counted, not logged, for the next 60 s)',
      'before-connect on /ws/auth threw string (errors like it are counted, not logged, for the next 60 s)',
    ]);
  });
});
