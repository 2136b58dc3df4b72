import { Controller, Get } from '@nestjs/common';
import { request as httpRequest } from 'node:http';
import { coreTestModule } from '../fixtures/core-test.module';
import { openSilentSocket } from '../support/raw-socket';
import { startApp } from '../support/test-app';
import { TestClient } from '../support/test-client';
import { eventually, within } from '../support/wait';

/** An HTTP route that answers only when the test lets it. */
let release: () => void = () => undefined;
let entered: () => void = () => undefined;
@Controller('slow')
class SlowController {
  @Get()
  async slow(): Promise<string> {
    entered();
    await new Promise<void>((resolve) => (release = resolve));
    return 'finished';
  }
}

function get(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    httpRequest(url, (response) => {
      let body = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

describe('app.close()', () => {
  // Node's server.close() waits for such connections until its 60 s headers timeout.
  it('does not wait for a connection that never sent a byte (a browser preconnect), and closes it', async () => {
    const server = await startApp(coreTestModule());
    const silent = await openSilentSocket(server.port);
    const client = await TestClient.connect(server.ws('/ws'));
    await within(server.close(), 3000, 'app.close() with a silent connection open');
    expect((await within(client.closed, 1000, 'the client to be closed')).code).toBe(1001);
    await within(silent.closed, 1000, 'the silent connection to be closed');
  });

  it('lets an HTTP request in flight finish, and accepts no new connection meanwhile', async () => {
    const module = coreTestModule();
    const server = await startApp({ ...module, controllers: [SlowController] });
    const inHandler = new Promise<void>((resolve) => (entered = resolve));
    const answer = get(server.http('/slow'));
    await within(inHandler, 3000, 'the slow handler to be entered');

    const closed = server.close();
    await eventually(() => !server.app.getHttpServer().listening, 3000, 'the HTTP server stopped listening');
    await expect(within(TestClient.connect(server.ws('/ws')), 3000, 'a refused connection')).rejects.toThrow(/ECONNREFUSED/);
    release();
    expect(await within(answer, 3000, 'the in-flight answer')).toEqual({ status: 200, body: 'finished' });
    await within(closed, 3000, 'app.close() after the request finished');
  });
});
