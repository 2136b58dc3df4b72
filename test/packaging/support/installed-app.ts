// Installs, compiles, boots and drives a scratch app (see scratch-app.ts)
// against the packed Switchboard: what a user on that Nest version sees.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packPackages } from '../../support/packed-packages';
import { REPO } from '../../support/repo';
import { runNode, runNpm, startNode, type RunningProcess } from '../../support/run-process';
import { TestClient } from '../../support/test-client';
import { writeScratchApp, type ScratchFlavour } from './scratch-app';

const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');

/** A scratch app on disk, and the process serving it once `boot()` ran. */
export interface InstalledApp {
  readonly root: string;
  /** Every folder under node_modules that holds a copy of `name`. */
  copiesOf(name: string): string[];
  /** Type-checks and compiles the app with the repository's TypeScript; resolves with tsc's output. */
  compile(): Promise<{ code: number | null; output: string }>;
  /** Starts `node dist/main.js`; resolves with the base ws:// URL once it listens. */
  boot(): Promise<string>;
  /** Stops the app and deletes its folder. */
  dispose(): Promise<void>;
}

/** Packs Switchboard, writes the app for `flavour` and installs it (npm's cache makes repeat runs quick). */
export async function installScratchApp(flavour: ScratchFlavour): Promise<InstalledApp> {
  const tmp = mkdtempSync(join(tmpdir(), `sb-nest-${flavour.modules}-`));
  const root = join(tmp, 'app');
  const { server } = await packPackages(tmp);
  writeScratchApp(root, flavour, server);
  await runNpm(['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], root, 180_000);
  let app: RunningProcess | undefined;

  return {
    root,
    copiesOf: (name) => findCopies(join(root, 'node_modules'), name),
    async compile() {
      const result = await runNode([TSC, '-p', 'tsconfig.json'], root, 60_000);
      return { code: result.code, output: result.stdout + result.stderr };
    },
    async boot() {
      app = startNode(['dist/main.js'], { cwd: root });
      const [, port] = await app.waitForOutput(/\{"listening":(\d+)\}/, 20_000, `the ${flavour.modules} app to listen`);
      return `ws://127.0.0.1:${port}`;
    },
    async dispose() {
      // SIGKILL past 10 s; the folder goes either way.
      await app?.stop(10_000).catch(() => undefined);
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}

function findCopies(dir: string, name: string): string[] {
  if (!existsSync(dir)) return [];
  const found = existsSync(join(dir, name, 'package.json')) ? [join(dir, name)] : [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === '.bin') continue;
    const packages = entry.name.startsWith('@')
      ? readdirSync(join(dir, entry.name)).map((scoped) => join(dir, entry.name, scoped))
      : [join(dir, entry.name)];
    for (const pkg of packages) found.push(...findCopies(join(pkg, 'node_modules'), name));
  }
  return found;
}

/**
 * The user's journey on one Nest version: connected, joinRoom with a reply,
 * a room emit except the sender, a reply from an injected service, a guard refusal,
 * and a global ThrottlerGuard (5 messages a minute per handler and address) refusing the 6th ping.
 */
export async function exerciseGateway(base: string): Promise<void> {
  const [ada, bob] = await Promise.all([TestClient.connect(`${base}/ws`), TestClient.connect(`${base}/ws`)]);
  try {
    expect(ada.id).not.toBe(bob.id);
    for (const client of [ada, bob]) {
      expect(await client.request('joinRoom', 'lobby')).toMatchObject({ event: 'joinRoom' });
    }
    const reply = await ada.request('say', 'ada');
    expect(reply).toMatchObject({ event: 'say', message: 'hello, ada' });
    expect(await bob.next((f) => f.event === 'said', 3000, 'the room emit to reach bob')).toMatchObject({
      message: 'ada',
      sender: ada.id,
      room: 'lobby',
    });
    // The sender's reply follows the room emit on the same socket, so a frame sent to ada would be here by now.
    expect(ada.framesOf('said')).toEqual([]);
    const refused = await ada.request('secret');
    expect(refused).toMatchObject({ event: 'exception', message: { code: 'FORBIDDEN' } });
    for (let i = 0; i < 5; i++) expect(await bob.request('ping')).toMatchObject({ event: 'ping', message: 'pong' });
    expect(await bob.request('ping')).toMatchObject({ event: 'exception', message: { code: 'RATE_LIMITED' } });
  } finally {
    await Promise.all([ada.close(), bob.close()]);
  }
}

/**
 * The checks every supported Nest version gets: one copy of Nest shared with
 * the app, none of the CLI's or the client's dependencies, and the gateway
 * served end to end after a compile and a boot.
 */
export function describeInstalledApp(title: string, flavour: ScratchFlavour): void {
  describe(title, () => {
    let app: InstalledApp;

    beforeAll(async () => {
      app = await installScratchApp(flavour);
    }, 240_000);
    afterAll(() => app?.dispose());

    it("shares the app's one copy of Nest", () => {
      expect(app.copiesOf('@nestjs/core')).toEqual([`${app.root}/node_modules/@nestjs/core`]);
      expect(app.copiesOf('@nestjs/common')).toHaveLength(1);
    });

    it("brings none of the CLI's or the client's dependencies", () => {
      expect([...app.copiesOf('ts-morph'), ...app.copiesOf('commander'), ...app.copiesOf('esbuild')]).toEqual([]);
    });

    it('compiles, boots and serves a gateway end to end', async () => {
      expect(await app.compile()).toEqual({ code: 0, output: '' });
      await exerciseGateway(await app.boot());
    }, 60_000);
  });
}
