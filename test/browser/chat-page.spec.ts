import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { ownerOf } from '../../src/protocol/connection-id';
import { ChatServer } from '../support/chat-server';
import { startExampleCluster } from '../support/example-cluster';
import { REPO } from '../support/repo';
import { startLazyProxy, type LazyProxy } from './support/lazy-proxy';
import { SwitchboardModule } from '../../src';
import { startApp } from '../support/test-app';
import { FilesController, FilesGateway } from '../fixtures/files-app';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const MISSING = `The browser tests need Chromium at ${CHROMIUM}. Install it with: apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH).`;
/** Every wait in the page is bounded by this; a reconnect with the page's default backoff takes a few seconds at most. */
const WAIT = 15_000;
const SCREENSHOT = join(REPO, 'test-artifacts/chat-page.png');

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium && !process.env.REQUIRE_BROWSER) {
  // Said plainly, once, in the test output; CI sets REQUIRE_BROWSER so a missing browser fails there.
  console.warn(`SKIPPING the browser tests. ${MISSING}`);
}

jest.setTimeout(60_000);

(haveChromium || process.env.REQUIRE_BROWSER ? describe : describe.skip)('the chat page in headless Chromium', () => {
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const servers: ChatServer[] = [];
  const proxies: LazyProxy[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!haveChromium) throw new Error(MISSING);
    // The page loads the IIFE bundle that `npm test` built before the suite; rebuilding here would
    // delete client/dist under the specs that pack or import it.
    if (!existsSync(join(REPO, 'client/dist/switchboard-client.iife.js'))) {
      throw new Error('client/dist/switchboard-client.iife.js is missing: run `npm run build` first (npm test does it)');
    }
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      // A page the test serves from its own copy (page.route) has no address, so Chromium's local network access
      // checks would block its WebSocket to 127.0.0.1; the copy stands in for the very server the socket goes to.
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-features=LocalNetworkAccessChecks',
      ],
    });
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
    await Promise.all(proxies.splice(0).map((p) => p.close()));
    await Promise.all(servers.splice(0).map((s) => s.stop()));
    expect(pageErrors.splice(0)).toEqual([]);
  });
  afterAll(() => browser?.close());

  const serve = (server: ChatServer): Promise<ChatServer> => {
    servers.push(server);
    return server.start();
  };

  /** A person opening the page in a tab of their own, choosing a name and a room. */
  async function openChat(
    server: Pick<ChatServer, 'http'>,
    name: string,
    room: string,
    prepare?: (context: BrowserContext) => Promise<void>,
  ): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1000, height: 760 } });
    contexts.push(context);
    await prepare?.(context);
    const page = await context.newPage();
    page.setDefaultTimeout(WAIT);
    page.on('pageerror', (error) => pageErrors.push(`${name}: ${error.message}`));
    await page.goto(server.http('/'));
    await page.fill('#name', name);
    await page.fill('#room', room);
    await page.click('#join button[type=submit]');
    await page.waitForSelector('#status[data-state="connected"]');
    await page.locator('#join').waitFor({ state: 'hidden' });
    return page;
  }

  const member = (page: Page, name: string) => page.locator('#members li', { hasText: name }).waitFor();
  const message = (page: Page, from: string, text: string) =>
    page
      .locator('#messages .message', { hasText: text })
      .filter({ has: page.locator('.who', { hasText: from }) })
      .waitFor();
  async function send(page: Page, text: string): Promise<void> {
    await page.fill('#text', text);
    await page.press('#text', 'Enter');
  }

  /** The messages the page shows, in order, as "who: text". */
  const conversation = (page: Page): Promise<string[]> =>
    page
      .locator('#messages .message')
      .evaluateAll((items) =>
        items.map((item) => `${item.querySelector('.who')?.textContent}: ${item.querySelector('.text')?.textContent}`),
      );

  /** Waits (bounded by WAIT) until `locator` is on the page; a timeout says what was awaited and what the page shows. */
  async function until(page: Page, what: string, locator: Locator): Promise<void> {
    try {
      await locator.first().waitFor({ timeout: WAIT });
    } catch (error) {
      const shown = await page.locator('#messages li').allTextContents();
      const status = await page.textContent('#status');
      throw new Error(`timed out after ${WAIT} ms waiting for ${what}; the page is "${status}" and shows ${JSON.stringify(shown)}`, {
        cause: error,
      });
    }
  }

  /**
   * A tab whose traffic to `server` goes through a proxy of its own, so that its network can be lost:
   * `loseNetwork`. The page comes through the proxy too, so its WebSocket stays same-origin.
   */
  async function openCuttableChat(server: ChatServer, name: string, room: string): Promise<{ page: Page; proxy: LazyProxy }> {
    const proxy = await startLazyProxy(server.port);
    proxies.push(proxy);
    const page = await openChat({ http: (path) => `http://127.0.0.1:${proxy.port}${path}` }, name, room);
    return { page, proxy };
  }

  /**
   * The tab's network goes. Chromium's offline emulation alone fails new connections but only holds the frames of
   * a WebSocket already open (they all arrive when it is back online: nothing is lost, nothing to recover), so the
   * proxy also ends the tab's connections, and the tab and the server each see theirs end without a close frame.
   */
  async function loseNetwork(page: Page, proxy: LazyProxy): Promise<void> {
    await page.context().setOffline(true);
    proxy.cut();
    await until(page, 'the page to notice its connection is gone', page.locator('#messages .notice', { hasText: 'Connection lost' }));
    await until(page, 'the page to say it is offline', page.locator('#status[data-state="offline"]'));
  }

  async function regainNetwork(page: Page): Promise<void> {
    await page.context().setOffline(false);
    await until(page, 'the page to reconnect once back online', page.locator('#messages .notice', { hasText: 'Reconnected' }));
    await until(page, 'the page to say it is connected', page.locator('#status[data-state="connected"]'));
  }

  it('two people chat, see each other typing, and carry on after the server restarts', async () => {
    const server = await serve(new ChatServer());
    const ann = await openChat(server, 'Ann', 'lobby');
    const bob = await openChat(server, 'Bob', 'lobby');
    await Promise.all([member(ann, 'Bob'), member(bob, 'Ann')]);
    expect(await ann.textContent('#member-count')).toBe('2');

    await ann.locator('#text').pressSequentially('hel');
    await bob.locator('#typing', { hasText: 'Ann is typing…' }).waitFor();
    await send(ann, 'hello Bob');
    await message(bob, 'Ann', 'hello Bob');
    expect(await bob.textContent('#typing')).toBe('');
    await send(bob, 'hi Ann');
    await message(ann, 'Bob', 'hi Ann');

    await server.stop();
    await Promise.all([ann, bob].map((page) => page.waitForSelector('#status[data-state="reconnecting"]')));
    await server.start();
    await Promise.all([ann, bob].map((page) => page.waitForSelector('#status[data-state="connected"]')));
    // Rejoined: each page got the room's members again from the restarted server.
    await Promise.all([member(ann, 'Bob'), member(bob, 'Ann')]);
    await Promise.all([ann, bob].map((page) => page.locator('#messages .notice', { hasText: 'Reconnected' }).waitFor()));

    await send(bob, 'still there?');
    await message(ann, 'Bob', 'still there?');
    await send(ann, 'yes, the server restarted and we both came back');
    await message(bob, 'Ann', 'yes, the server restarted and we both came back');
    await bob.locator('#text').pressSequentially('great');
    await ann.locator('#typing', { hasText: 'Bob is typing…' }).waitFor();

    mkdirSync(join(REPO, 'test-artifacts'), { recursive: true });
    await ann.screenshot({ path: SCREENSHOT });
    // `UPDATE_SCREENSHOT=1 npm test` refreshes docs/chat-page.png, which docs/client.md shows.
    if (process.env.UPDATE_SCREENSHOT) copyFileSync(SCREENSHOT, join(REPO, 'docs/chat-page.png'));

    // An admin ends Bob's session (close 1000): his page goes offline for good; Ann's stays connected.
    const bobId = (await bob.getAttribute('#members li.me', 'data-id')) ?? '';
    expect((await fetch(server.http(`/api/ws/connections/${bobId}`), { method: 'DELETE' })).status).toBe(200);
    await bob.waitForSelector('#status[data-state="offline"]');
    await bob.locator('#messages .notice.error', { hasText: 'Offline' }).waitFor();
    await ann.locator('#members li', { hasText: 'Bob' }).waitFor({ state: 'detached' });
    expect(await ann.getAttribute('#status', 'data-state')).toBe('connected');
  });

  it('a tab that lost its network shows every message sent meanwhile once it is back, once each, in order', async () => {
    const server = await serve(new ChatServer());
    const { page: ann, proxy } = await openCuttableChat(server, 'Ann', 'lobby');
    const bob = await openChat(server, 'Bob', 'lobby');
    const cy = await openChat(server, 'Cy', 'lobby');
    await Promise.all([member(ann, 'Bob'), member(ann, 'Cy'), member(bob, 'Ann')]);
    await send(ann, 'going into the tunnel');
    await message(bob, 'Ann', 'going into the tunnel');
    await send(bob, 'see you on the other side');
    await message(ann, 'Bob', 'see you on the other side');

    await loseNetwork(ann, proxy);
    await until(bob, 'the server to see Ann go', bob.locator('#messages .notice', { hasText: 'Ann left' }));
    // While Ann is away: Cy starts typing and closes her tab (a typing notice whose end never comes), then Bob talks.
    await cy.locator('#text').pressSequentially('hm');
    await until(bob, 'Cy typing', bob.locator('#typing', { hasText: 'Cy is typing…' }));
    await cy.context().close();
    await until(bob, 'Cy to leave', bob.locator('#messages .notice', { hasText: 'Cy left' }));
    const missed = ['one', 'two', 'three', 'four', 'five'];
    for (const text of missed) {
      await send(bob, text);
      await message(bob, 'Bob', text);
    }

    await regainNetwork(ann);
    await until(ann, "the last of Bob's messages sent while Ann was away", ann.locator('#messages .message', { hasText: 'five' }));
    const before = ['Ann: going into the tunnel', 'Bob: see you on the other side'];
    expect(await conversation(ann)).toEqual([...before, ...missed.map((text) => `Bob: ${text}`)]);
    // The replayed typing notice of Cy, who has left since, is not shown; her leaving is.
    expect(await ann.textContent('#typing')).toBe('');
    await until(ann, 'the notice that Cy left while Ann was away', ann.locator('#messages .notice', { hasText: 'Cy left' }));
    expect(await ann.locator('#members li').allTextContents()).toEqual(['Ann', 'Bob']);
    expect(await ann.locator('#messages .notice.error').allTextContents()).toEqual([]);

    // Live again both ways; nothing of the catch-up comes twice.
    await send(bob, 'welcome back');
    await message(ann, 'Bob', 'welcome back');
    await send(ann, 'thanks, I saw everything');
    await message(bob, 'Ann', 'thanks, I saw everything');
    expect(await conversation(ann)).toEqual([
      ...before,
      ...missed.map((text) => `Bob: ${text}`),
      'Bob: welcome back',
      'Ann: thanks, I saw everything',
    ]);
  });

  it('says some messages could not be recovered when the server restarted while the tab was offline', async () => {
    const server = await serve(new ChatServer());
    const { page: ann, proxy } = await openCuttableChat(server, 'Ann', 'lobby');
    const bob = await openChat(server, 'Bob', 'lobby');
    await Promise.all([member(ann, 'Bob'), member(bob, 'Ann')]);
    await send(bob, 'before');
    await message(ann, 'Bob', 'before');

    await loseNetwork(ann, proxy);
    // A restart of the memory backplane's app loses the rooms' history: the room's stream begins a new epoch.
    await server.stop();
    await until(bob, 'Bob to lose the stopped server', bob.locator('#status[data-state="reconnecting"]'));
    await server.start();
    await until(bob, 'Bob to reconnect to the restarted server', bob.locator('#status[data-state="connected"]'));
    await send(bob, 'lost to Ann');
    await message(bob, 'Bob', 'lost to Ann');

    await regainNetwork(ann);
    await until(
      ann,
      'the notice that messages were lost',
      ann.locator('#messages .notice.error', { hasText: 'Some messages could not be recovered' }),
    );
    await send(bob, 'can you see this?');
    await message(ann, 'Bob', 'can you see this?');
    expect(await conversation(ann)).toEqual(['Bob: before', 'Bob: can you see this?']);
  });

  it('two tabs on different workers of the example in cluster mode chat with each other', async () => {
    const cluster = await startExampleCluster();
    const proxy = await startLazyProxy(cluster.port);
    try {
      // The primary hands each connection to the next worker in turn. The tabs get the page's files from a
      // copy, and the proxy drops Chromium's unused preconnects, so a tab's WebSocket is its only connection
      // to the cluster and the second tab lands on the other worker.
      const files = await fetchFiles(cluster.port, ['/', '/chat.css', '/switchboard-client.js', '/chat.js']);
      const servedFromCopy = async (context: BrowserContext): Promise<void> => {
        await context.route('**/*', (route) => {
          const file = files.get(new URL(route.request().url()).pathname);
          return file ? route.fulfill(file) : route.fulfill({ status: 404, body: 'not in the test copy' });
        });
      };
      const base = { http: (path: string) => `http://127.0.0.1:${proxy.port}${path}` };
      const cy = await openChat(base, 'Cy', 'ops', servedFromCopy);
      const dee = await openChat(base, 'Dee', 'ops', servedFromCopy);
      const workerOf = async (page: Page) => ownerOf((await page.getAttribute('#members li.me', 'data-id')) ?? '');
      const workers = [await workerOf(cy), await workerOf(dee)];
      expect(new Set(workers).size).toBe(2);

      await Promise.all([member(cy, 'Dee'), member(dee, 'Cy')]);
      await dee.locator('#text').pressSequentially('on it');
      await cy.locator('#typing', { hasText: 'Dee is typing…' }).waitFor();
      await send(cy, 'from one worker');
      await message(dee, 'Cy', 'from one worker');
      await send(dee, 'from the other');
      await message(cy, 'Dee', 'from the other');
    } finally {
      await proxy.close();
      await cluster.stop();
    }
  });

  it('the client SDK sends and receives binary frames in the browser', async () => {
    const app = await startApp({ imports: [SwitchboardModule.forRoot()], providers: [FilesController, FilesGateway] });
    try {
      const context = await browser.newContext();
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(WAIT);
      page.on('pageerror', (error) => pageErrors.push(`binary page: ${error.message}`));
      // A blank page of the app's own origin, so its socket passes the same-origin check.
      await page.route(app.http('/binary.html'), (route) =>
        route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>binary</title>' }),
      );
      await page.goto(app.http('/binary.html'));
      await page.addScriptTag({ path: join(REPO, 'client/dist/switchboard-client.iife.js') });
      const received = await page.evaluate(async (url) => {
        type Client = {
          joinRoom(room: string): Promise<void>;
          emitBinary(data: ArrayBuffer | ArrayBufferView): boolean;
          onBinary(callback: (data: Uint8Array) => void): () => void;
          close(): Promise<void>;
        };
        const { connect } = (globalThis as unknown as { Switchboard: { connect(url: string): Client } }).Switchboard;
        const [sender, member] = [connect(url), connect(url)];
        const frames = (client: Client): Promise<{ kind: string; bytes: number[] }> =>
          new Promise((resolve) => client.onBinary((data) => resolve({ kind: Object.prototype.toString.call(data), bytes: [...data] })));
        await Promise.all([sender.joinRoom('files'), member.joinRoom('files')]);
        const [mine, theirs] = [frames(sender), frames(member)];
        sender.emitBinary(new Uint8Array([1, 2, 250]));
        const result = { sender: await mine, member: await theirs };
        await Promise.all([sender.close(), member.close()]);
        return result;
      }, app.ws('/ws'));
      expect(received).toEqual({
        sender: { kind: '[object Uint8Array]', bytes: [250, 2, 1] },
        member: { kind: '[object Uint8Array]', bytes: [1, 2, 250] },
      });
    } finally {
      await app.close();
    }
  });
});

/** The page's files as the cluster serves them, fetched before any tab opens, keyed by path. */
async function fetchFiles(port: number, paths: string[]): Promise<Map<string, { status: number; contentType: string; body: Buffer }>> {
  const files = new Map<string, { status: number; contentType: string; body: Buffer }>();
  for (const path of paths) {
    const response = await fetch(`http://127.0.0.1:${port}${path}`);
    if (!response.ok) throw new Error(`GET ${path} from the example cluster answered ${response.status}`);
    const contentType = response.headers.get('content-type') ?? 'application/octet-stream';
    files.set(path, { status: response.status, contentType, body: Buffer.from(await response.arrayBuffer()) });
  }
  return files;
}
