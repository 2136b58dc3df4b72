// SPEC §5: a browser handshake whose Origin is another site than the
// request's host, and not in allowedOrigins, gets HTTP 403; a page of the
// app's own host, and a client that sends no Origin (not a browser), connect.
import { coreTestModule } from '../fixtures/core-test.module';
import { useApp } from '../support/test-app';
import { TestClient } from '../support/test-client';

describe('the Origin check, by default (no allowedOrigins)', () => {
  const fixture = useApp(() => coreTestModule());

  it('refuses another site with HTTP 403', async () => {
    expect(await TestClient.refusedStatus(fixture.server.ws('/ws'), { origin: 'https://evil.example' })).toBe(403);
    expect(await TestClient.refusedStatus(fixture.server.ws('/ws'), { origin: `http://127.0.0.1:${fixture.server.port + 1}` })).toBe(403);
    expect(await TestClient.refusedStatus(fixture.server.ws('/ws'), { origin: 'null' })).toBe(403);
  });

  it('lets in a page of the same host, and a client with no Origin', async () => {
    const samePage = await fixture.connect('/ws', { origin: `http://127.0.0.1:${fixture.server.port}` });
    const notABrowser = await fixture.connect('/ws');
    for (const client of [samePage, notABrowser]) expect(await client.request('echo', 1)).toMatchObject({ message: 1 });
  });
});

describe('the Origin check with allowedOrigins', () => {
  const listed = useApp(() => coreTestModule({ limits: { allowedOrigins: ['https://good.example'] } }));
  const anyone = useApp(() => coreTestModule({ limits: { allowedOrigins: ['*'] } }));

  it("lets in the listed sites and the app's own host, and refuses the rest", async () => {
    expect(await TestClient.refusedStatus(listed.server.ws('/ws'), { origin: 'https://evil.example' })).toBe(403);
    const good = await listed.connect('/ws', { origin: 'https://good.example' });
    const own = await listed.connect('/ws', { origin: `http://127.0.0.1:${listed.server.port}` });
    for (const client of [good, own]) expect(await client.request('echo', 1)).toMatchObject({ message: 1 });
  });

  it("'*' lets in every site", async () => {
    const client = await anyone.connect('/ws', { origin: 'https://evil.example' });
    expect(await client.request('echo', 1)).toMatchObject({ message: 1 });
  });
});
