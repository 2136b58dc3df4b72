// Connection caps, answered before the upgrade and before any hook runs:
// maxConnections per node (503 + Retry-After), maxConnectionsPerIp (503),
// connectionRatePerIp (429 + Retry-After), X-Forwarded-For only behind a
// trusted proxy, and the handshake timeout on the HTTP server.
import { RealtimeService } from '../../src';
import { coreTestModule } from '../fixtures/core-test.module';
import { openSilentSocket } from '../support/raw-socket';
import { useApp } from '../support/test-app';
import { TestClient } from '../support/test-client';
import { eventually, within } from '../support/wait';

/** The most connections the caps below allow: far under the rate limit, so only the cap under test refuses. */
const FEW = 3;
const HIGH = 1_000_000;

describe('maxConnections', () => {
  const fixture = useApp(() => coreTestModule({ limits: { maxConnections: FEW, maxConnectionsPerIp: HIGH, connectionRatePerIp: HIGH } }));

  it('refuses a handshake past the cap with 503 and Retry-After, before any hook runs, and admits again once one closes', async () => {
    const open = await Promise.all(Array.from({ length: FEW }, () => fixture.connect('/ws')));
    const refused = await TestClient.refusal(fixture.server.ws('/ws'));
    expect(refused).toMatchObject({ status: 503, headers: { 'retry-after': '5' }, body: 'Too many connections\n' });
    // The others keep working.
    expect(await open[0].request('echo', 1)).toMatchObject({ message: 1 });

    await open[0].close();
    const realtime = fixture.server.app.get(RealtimeService);
    await eventually(() => realtime.status().localConnections === FEW - 1, 3000, 'the server has let the closed connection go');
    const next = await fixture.connect('/ws');
    expect(await next.request('echo', 2)).toMatchObject({ message: 2 });
  });

  it('gives the place back when a guard refuses the handshake after admission', async () => {
    // Each route has its own count. /ws/guarded refuses a handshake without its key: each refusal must free its place.
    for (let i = 0; i < FEW + 2; i++) expect(await TestClient.refusedStatus(fixture.server.ws('/ws/guarded'))).toBe(403);
    const key = { headers: { 'x-api-key': 'k1' } };
    const clients = await Promise.all(Array.from({ length: FEW }, () => fixture.connect('/ws/guarded', key)));
    for (const client of clients) expect(await client.request('echo', 1)).toMatchObject({ message: 1 });
  });
});

describe('maxConnectionsPerIp and trustedProxies', () => {
  const direct = useApp(() => coreTestModule({ limits: { maxConnectionsPerIp: 2, connectionRatePerIp: HIGH } }));
  const proxied = useApp(() =>
    coreTestModule({ limits: { maxConnectionsPerIp: 2, connectionRatePerIp: HIGH, trustedProxies: ['loopback'] } }),
  );
  const from = (address: string) => ({ headers: { 'x-forwarded-for': address } });

  it('refuses a third connection from one address with 503; X-Forwarded-For is ignored when no proxy is trusted', async () => {
    await direct.connect('/ws', from('203.0.113.1'));
    await direct.connect('/ws', from('203.0.113.2'));
    const refused = await TestClient.refusal(direct.server.ws('/ws'), from('203.0.113.3'));
    expect(refused).toMatchObject({ status: 503, headers: { 'retry-after': '5' }, body: 'Too many connections from this address\n' });
  });

  it('behind a trusted proxy, counts each client address from X-Forwarded-For', async () => {
    for (const address of ['203.0.113.1', '203.0.113.1', '203.0.113.2', '203.0.113.2']) await proxied.connect('/ws', from(address));
    expect((await TestClient.refusal(proxied.server.ws('/ws'), from('203.0.113.1'))).status).toBe(503);
    // The nearest address the proxy did not add is the client's: a client cannot pose as another by prefixing the header.
    expect((await TestClient.refusal(proxied.server.ws('/ws'), from('198.51.100.7, 203.0.113.2'))).status).toBe(503);
    const other = await proxied.connect('/ws', from('203.0.113.3'));
    expect(await other.request('echo', 1)).toMatchObject({ message: 1 });
    // What the limits counted is the connection's `ip`; `remoteAddress` stays the socket's (the proxy's).
    expect((await other.request('whoami')).message).toMatchObject({ ip: '203.0.113.3', remoteAddress: '127.0.0.1' });
    const unproxied = await direct.connect('/ws', from('203.0.113.9'));
    expect((await unproxied.request('whoami')).message).toMatchObject({ ip: '127.0.0.1', remoteAddress: '127.0.0.1' });
  });
});

describe('connectionRatePerIp', () => {
  const fixture = useApp(() => coreTestModule({ limits: { connectionRatePerIp: FEW, maxConnectionsPerIp: HIGH } }));

  it('refuses handshakes past the rate with 429 and Retry-After: 1, counting refused ones', async () => {
    for (let i = 0; i < FEW; i++) await fixture.connect('/ws');
    const refused = await TestClient.refusal(fixture.server.ws('/ws'));
    expect(refused).toMatchObject({
      status: 429,
      headers: { 'retry-after': '1' },
      body: 'Too many connection attempts from this address\n',
    });
  });
});

describe('handshakeTimeout', () => {
  const handshakeTimeout = 400;
  const fixture = useApp(() => coreTestModule({ handshakeTimeout }));

  it('closes a socket that connects and sends nothing, and one that never finishes its request (408), after the timeout', async () => {
    const silent = await openSilentSocket(fixture.server.port);
    const partial = await openSilentSocket(fixture.server.port);
    let answer = '';
    partial.socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
    partial.socket.write('GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n');
    // Node checks unfinished requests every quarter of the timeout: 1.25 × the timeout, plus a loaded machine's slack.
    const bound = handshakeTimeout * 1.25 + 1000;
    await within(silent.closed, bound, `the server to close a silent socket after handshakeTimeout (${handshakeTimeout} ms)`);
    await within(
      partial.closed,
      bound,
      () => `the server to close a socket whose request never ends (it answered: ${answer || 'nothing'})`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
    // Others are served meanwhile and after.
    const client = await fixture.connect('/ws');
    expect(await client.request('echo', 1)).toMatchObject({ message: 1 });
  });
});
