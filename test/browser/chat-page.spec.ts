import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ownerOf } from '../../src/services/connection-id';
import { ChatServer } from '../client/support/chat-server';
import { within } from '../support/wait';
import { startExampleCluster } from './support/example-cluster';

const ROOT = join(__dirname, '../..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const MISSING = `The browser tests need Chromium at ${CHROMIUM}. Install it with: apt-get update && apt-get install -y chromium (or set CHROMIUM_PATH).`;
/** Every wait in the page is bounded by this; a reconnect with the page's default backoff takes a few seconds at most. */
const WAIT = 15_000;
const SCREENSHOT = join(ROOT, 'test-artifacts/chat-page.png');

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
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!haveChromium) throw new Error(MISSING);
    // The page loads the IIFE bundle; build it from the current sources.
    execFileSync(process.execPath, [join(ROOT, 'scripts/build-client.mjs')], { cwd: ROOT, stdio: 'pipe' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((c) => c.close()));
    await Promise.all(servers.splice(0).map((s) => s.stop()));
    expect(pageErrors.splice(0)).toEqual([]);
  });
  afterAll(() => browser?.close());

  const serve = (server: ChatServer): Promise<ChatServer> => {
    servers.push(server);
    return server.start();
  };

  /** A person opening the page in a tab of their own, choosing a name and a room. */
  async function openChat(server: Pick<ChatServer, 'http'>, name: string, room: string): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1000, height: 760 } });
    contexts.push(context);
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
    page.locator('#messages .message', { hasText: text }).filter({ has: page.locator('.who', { hasText: from }) }).waitFor();
  async function send(page: Page, text: string): Promise<void> {
    await page.fill('#text', text);
    await page.press('#text', 'Enter');
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

    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    await ann.screenshot({ path: SCREENSHOT });
    // `UPDATE_SCREENSHOT=1 npm test` refreshes the README's copy.
    if (process.env.UPDATE_SCREENSHOT) copyFileSync(SCREENSHOT, join(ROOT, 'docs/chat-page.png'));

    // An admin ends Bob's session (close 1000): his page goes offline for good; Ann's stays connected.
    const bobId = (await bob.getAttribute('#members li.me', 'data-id')) ?? '';
    expect((await fetch(server.http(`/api/ws/connections/${bobId}`), { method: 'DELETE' })).status).toBe(200);
    await bob.waitForSelector('#status[data-state="offline"]');
    await bob.locator('#messages .notice.error', { hasText: 'Offline' }).waitFor();
    await ann.locator('#members li', { hasText: 'Bob' }).waitFor({ state: 'detached' });
    expect(await ann.getAttribute('#status', 'data-state')).toBe('connected');
  });

  it('two tabs on different workers of the example in cluster mode chat with each other', async () => {
    const cluster = await startExampleCluster();
    try {
      const base = { http: (path: string) => `http://127.0.0.1:${cluster.port}${path}` };
      // The primary hands TCP connections to the workers in turn, and a page load makes several: open tabs
      // until two sit on different workers, shifting the turn with bare connections before each new try.
      const tabs: { page: Page; worker: string }[] = [];
      for (let n = 0; n < 6 && tabs.length < 2; n++) {
        if (n > 1) await connectAndDrop(cluster.port, n - 1);
        const name = tabs.length === 0 ? 'Cy' : 'Dee';
        const page = await openChat(base, name, 'ops');
        const worker = ownerOf((await page.getAttribute('#members li.me', 'data-id')) ?? '') ?? '';
        if (tabs.every((tab) => tab.worker !== worker)) tabs.push({ page, worker });
        else await page.context().close();
      }
      expect(tabs).toHaveLength(2);
      const [cy, dee] = tabs.map((tab) => tab.page);
      await Promise.all([member(cy, 'Dee'), member(dee, 'Cy')]);
      await dee.locator('#text').pressSequentially('on it');
      await cy.locator('#typing', { hasText: 'Dee is typing…' }).waitFor();
      await send(cy, 'from one worker');
      await message(dee, 'Cy', 'from one worker');
      await send(dee, 'from the other');
      await message(cy, 'Dee', 'from the other');
    } finally {
      await cluster.stop();
    }
  });
});

/** Opens `count` TCP connections to `port` and closes them once they are accepted. */
async function connectAndDrop(port: number, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const socket = tcpConnect(port, '127.0.0.1');
    await within(
      new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject)),
      WAIT,
      `a TCP connection to port ${port}`,
    ).finally(() => socket.destroy());
  }
}
