import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { REPO } from '../support/repo';
import { runNode, type ProcessResult } from '../support/run-process';
import { TestClient } from '../support/test-client';
import { expectClusterSharesRoomsAndDrains, startApp } from './support/app-process';

const BIN = join(REPO, 'cli', 'dist', 'main.js');
const NODE_MODULES = join(REPO, 'node_modules');
const TSC = join(NODE_MODULES, 'typescript', 'bin', 'tsc');
const JEST = join(NODE_MODULES, 'jest', 'bin', 'jest.js');
const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

/** Fails with the process's whole output, so a broken generated app shows why. */
function succeeded(result: ProcessResult, what: string): ProcessResult {
  if (result.code !== 0) throw new Error(`${what} exited with ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
  return result;
}

/*
 * The built CLI of this checkout, as a contributor runs it: `new` packs the
 * checkout into the app's vendor/. Instead of `npm install`, the vendored
 * server tarball is unpacked into the app's node_modules, and everything else
 * resolves from this repo's node_modules (a symlink above the app), so the
 * test needs no registry and app and framework share one NestJS. That a plain
 * `npm install` of an app works is generated-app-install.spec.ts.
 */
describe('switchboard CLI end to end: the built binary, a generated app, tsc, its tests and real clients', () => {
  let tmp: string;
  let app: string;
  const read = (path: string) => readFileSync(join(app, path), 'utf8');
  const switchboard = (args: string[], cwd = app) => runNode([BIN, ...args], cwd, 20_000);

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'sb-cli-e2e-'));
    symlinkSync(NODE_MODULES, join(tmp, 'node_modules'), 'dir');
    app = join(tmp, 'demo-app');
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('new, run from the checkout, makes an app that installs Switchboard from tarballs packed into vendor/', async () => {
    const created = succeeded(await switchboard(['new', 'demo-app'], tmp), 'switchboard new');
    expect(created.stderr).toBe('');
    expect(created.stdout).toContain('CREATE demo-app/src/main.ts');
    expect(created.stdout).toContain(`CREATE demo-app/vendor/switchboard-${VERSION}.tgz (packed from ${REPO})`);
    const manifest = JSON.parse(read('package.json'));
    expect(manifest.dependencies.switchboard).toBe(`file:vendor/switchboard-${VERSION}.tgz`);
    expect(manifest.devDependencies['@switchboard/cli']).toBe(`file:vendor/switchboard-cli-${VERSION}.tgz`);
    // What `npm install` would put there, without the registry.
    const target = join(app, 'node_modules', 'switchboard');
    mkdirSync(target, { recursive: true });
    const untar = spawnSync('tar', ['-xzf', join(app, 'vendor', `switchboard-${VERSION}.tgz`), '-C', target, '--strip-components=1'], {
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect({ status: untar.status, stderr: untar.stderr }).toEqual({ status: 0, stderr: '' });
  });

  it('create:controller -ws, g gateway and g service write their files and register them in the syntax tree', async () => {
    for (const args of [
      ['create:controller', 'Chat', '-ws'],
      ['g', 'gateway', 'Lobby'],
      ['g', 'service', 'Notifications'],
    ]) {
      const result = succeeded(await switchboard(args), `switchboard ${args.join(' ')}`);
      expect({ args, stderr: result.stderr }).toEqual({ args, stderr: '' });
    }
    expect(read('src/gateways/app.gateway.ts')).toContain("@Gateway('/ws', { controllers: [AppController, ChatController] })");
    expect(read('src/app.module.ts')).toBe(`import { Module } from '@nestjs/common';
import { backplaneFromEnv, SwitchboardModule } from 'switchboard';
import { AppController } from './controllers/app.controller';
import { AppGateway } from './gateways/app.gateway';
import { AppService } from './services/app.service';
import { ChatController } from './controllers/chat.controller';
import { LobbyGateway } from './gateways/lobby.gateway';
import { NotificationsService } from './services/notifications.service';

@Module({
  // Each app gets the backplane that fits how it runs: cluster IPC in a cluster
  // worker, Redis when REDIS_URL is set, in-memory in a single process.
  imports: [SwitchboardModule.forRootAsync({ useFactory: () => ({ backplane: backplaneFromEnv() }) })],
  providers: [AppGateway, AppController, AppService, ChatController, LobbyGateway, NotificationsService],
})
export class AppModule {}
`);
  });

  it('the generated app type-checks under its strict tsconfig and every generated test passes', async () => {
    const typecheck = succeeded(await runNode([TSC, '-p', 'tsconfig.json'], app, 60_000), 'tsc in the generated app');
    expect(typecheck.stdout).toBe('');
    const jest = succeeded(await runNode([JEST, '--ci', '--runInBand', '--json'], app, 60_000), 'jest in the generated app');
    const report = JSON.parse(jest.stdout) as {
      numPassedTests: number;
      numFailedTests: number;
      testResults: { name: string; status: string }[];
    };
    expect(report.testResults.map((r) => `${relative(app, r.name)} ${r.status}`).sort()).toEqual([
      'src/controllers/chat.controller.spec.ts passed',
      'src/gateways/lobby.gateway.spec.ts passed',
      'src/services/notifications.service.spec.ts passed',
      'test/app.e2e.spec.ts passed',
    ]);
    expect([report.numPassedTests, report.numFailedTests]).toEqual([7, 0]);
  }, 90_000);

  it('built, its single-process entry (npm run start:single) answers a real client with the generated handlers', async () => {
    succeeded(await runNode([TSC, '-p', 'tsconfig.build.json'], app, 60_000), 'building the generated app');
    const single = await startApp(
      process.execPath,
      ['dist/single.js'],
      app,
      { PORT: '0' },
      /listening on ws:\/\/localhost:(\d+)\/ws/,
      15_000,
    );
    try {
      const client = await TestClient.connect(`ws://127.0.0.1:${single.port}/ws`);
      expect(await client.request('chat:echo', { text: 'hi' })).toEqual({
        event: 'chat:echo',
        message: { text: 'hi' },
        id: expect.any(String),
      });
      expect((await client.request('hello', 'Ada')).message).toBe('Hello, Ada!');
      const lobby = await TestClient.connect(`ws://127.0.0.1:${single.port}/lobby`);
      expect(lobby.id).not.toBe(client.id);
      await Promise.all([client.close(), lobby.close()]);
    } finally {
      await single.stop();
    }
    expect(single.output()).not.toContain('MemoryBackplane');
  }, 40_000);

  it('its cluster entry (npm start) runs two workers that share rooms over cluster IPC', async () => {
    const cluster = await startApp(
      process.execPath,
      ['dist/main.js'],
      app,
      { PORT: '0', WORKERS: '2' },
      /cluster ready: 2 workers share port (\d+)/,
      20_000,
    );
    await expectClusterSharesRoomsAndDrains(cluster);
  }, 40_000);

  it('the binary exits non-zero with a clear message for an unknown command and outside an app', async () => {
    const unknown = await switchboard(['destroy', 'everything'], tmp);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("error: unknown command 'destroy'");
    const outside = await switchboard(['g', 'controller', 'Chat'], tmp);
    expect(outside.code).toBe(1);
    expect(outside.stderr).toContain('error CLI_NOT_AN_APP: Not inside a Switchboard app');
  });
});
