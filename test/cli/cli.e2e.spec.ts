import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { TestClient } from '../support/test-client';
import { within } from '../support/wait';
import { childEnv, collect, runNode, type ProcessResult } from './support/run-process';

const REPO = join(__dirname, '..', '..');
const NODE_MODULES = join(REPO, 'node_modules');
const TSC = join(NODE_MODULES, 'typescript', 'bin', 'tsc');
const JEST = join(NODE_MODULES, 'jest', 'bin', 'jest.js');

/** Fails with the process's whole output, so a broken generated app shows why. */
function succeeded(result: ProcessResult, what: string): ProcessResult {
  if (result.code !== 0) throw new Error(`${what} exited with ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
  return result;
}

/*
 * The generated app resolves its packages from this repo's node_modules (a
 * symlink above it) and `switchboard` from a fresh build of this checkout, so
 * the test needs no registry and app and framework share one NestJS. That a
 * plain `npm install` of a generated app works is generated-app-install.spec.ts.
 */
describe('switchboard CLI end to end: the built binary, a generated app, tsc, its tests and a real client', () => {
  let tmp: string;
  let pkg: string;
  let bin: string;
  let app: string;
  let server: ChildProcess | undefined;
  const read = (path: string) => readFileSync(join(app, path), 'utf8');
  const switchboard = (args: string[], cwd = app) => runNode([bin, ...args], cwd, 20_000);

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'sb-cli-e2e-'));
    symlinkSync(NODE_MODULES, join(tmp, 'node_modules'), 'dir');
    // The package as npm would install it: this package.json, and src + cli compiled to dist/.
    pkg = join(tmp, 'switchboard');
    mkdirSync(pkg);
    writeFileSync(join(pkg, 'package.json'), readFileSync(join(REPO, 'package.json')));
    const tsconfig = {
      extends: join(REPO, 'tsconfig.build.json'),
      compilerOptions: { rootDir: REPO, outDir: join(pkg, 'dist'), sourceMap: false },
      include: [join(REPO, 'src'), join(REPO, 'cli')],
      exclude: [join(REPO, '**/*.spec.ts')],
    };
    writeFileSync(join(pkg, 'tsconfig.json'), JSON.stringify(tsconfig));
    succeeded(await runNode([TSC, '-p', join(pkg, 'tsconfig.json')], pkg, 90_000), 'building Switchboard');
    bin = join(pkg, 'dist', 'cli', 'main.js');
  }, 100_000);

  afterAll(() => {
    server?.kill('SIGKILL');
    rmSync(tmp, { recursive: true, force: true });
  });

  it('new creates an app that depends, through file:, on the Switchboard the CLI belongs to', async () => {
    const created = succeeded(await switchboard(['new', 'demo-app'], tmp), 'switchboard new');
    expect(created.stdout).toContain('CREATE demo-app/src/main.ts');
    app = join(tmp, 'demo-app');
    expect(JSON.parse(read('package.json')).dependencies.switchboard).toBe(`file:${pkg}`);
    // What `npm install` would give it, without the registry.
    mkdirSync(join(app, 'node_modules'));
    symlinkSync(pkg, join(app, 'node_modules', 'switchboard'), 'dir');
  });

  it('create:controller -ws, g gateway and g service write their files and register them in the syntax tree', async () => {
    for (const args of [['create:controller', 'Chat', '-ws'], ['g', 'gateway', 'Lobby'], ['g', 'service', 'Notifications']]) {
      const result = succeeded(await switchboard(args), `switchboard ${args.join(' ')}`);
      expect({ args, stderr: result.stderr }).toEqual({ args, stderr: '' });
    }
    expect(read('src/gateways/app.gateway.ts')).toContain("@Gateway('/ws', { controllers: [AppController, ChatController] })");
    expect(read('src/app.module.ts')).toBe(`import { Module } from '@nestjs/common';
import { SwitchboardModule } from 'switchboard';
import { AppController } from './controllers/app.controller';
import { AppGateway } from './gateways/app.gateway';
import { AppService } from './services/app.service';
import { ChatController } from './controllers/chat.controller';
import { LobbyGateway } from './gateways/lobby.gateway';
import { NotificationsService } from './services/notifications.service';

@Module({
  imports: [SwitchboardModule.forRoot()],
  providers: [AppGateway, AppController, AppService, ChatController, LobbyGateway, NotificationsService],
})
export class AppModule {}
`);
  });

  it('the generated app type-checks under its strict tsconfig and every generated test passes', async () => {
    const typecheck = succeeded(await runNode([TSC, '-p', 'tsconfig.json'], app, 60_000), 'tsc in the generated app');
    expect(typecheck.stdout).toBe('');
    const jest = succeeded(await runNode([JEST, '--ci', '--runInBand', '--json'], app, 60_000), 'jest in the generated app');
    const report = JSON.parse(jest.stdout) as { numPassedTests: number; numFailedTests: number; testResults: { name: string; status: string }[] };
    expect(report.testResults.map((r) => `${relative(app, r.name)} ${r.status}`).sort()).toEqual([
      'src/controllers/chat.controller.spec.ts passed',
      'src/gateways/lobby.gateway.spec.ts passed',
      'src/services/notifications.service.spec.ts passed',
      'test/app.e2e.spec.ts passed',
    ]);
    expect([report.numPassedTests, report.numFailedTests]).toEqual([5, 0]);
  }, 90_000);

  it('built and started as npm start does, it answers a real client with the generated handler', async () => {
    succeeded(await runNode([TSC, '-p', 'tsconfig.build.json'], app, 60_000), 'building the generated app');
    const started = spawn(process.execPath, ['dist/main.js'], { cwd: app, env: childEnv({ PORT: '0', NO_COLOR: '1' }) });
    server = started;
    const output = collect(started);
    const exited = new Promise<number | null>((resolve) => started.once('exit', (code) => resolve(code)));
    const port = await within(
      new Promise<string>((resolve, reject) => {
        started.stdout.on('data', () => {
          const match = /listening on ws:\/\/localhost:(\d+)\/ws/.exec(output.stdout);
          if (match) resolve(match[1]);
        });
        void exited.then((code) => reject(new Error(`the app exited with ${code} before listening:\n${output.stdout}\n${output.stderr}`)));
      }),
      15_000,
      'the generated app to log the port it listens on',
    );

    const client = await TestClient.connect(`ws://127.0.0.1:${port}/ws`);
    expect(await client.request('chat:echo', { text: 'hi' })).toEqual({ event: 'chat:echo', message: { text: 'hi' }, id: expect.any(String) });
    expect((await client.request('hello', 'Ada')).message).toBe('Hello, Ada!');
    const lobby = await TestClient.connect(`ws://127.0.0.1:${port}/lobby`);
    expect(lobby.id).not.toBe(client.id);
    await Promise.all([client.close(), lobby.close()]);

    started.kill('SIGTERM');
    await within(exited, 10_000, 'the generated app to exit on SIGTERM');
    server = undefined;
  }, 90_000);

  it('the binary exits non-zero with a clear message for an unknown command and outside an app', async () => {
    const unknown = await switchboard(['destroy', 'everything'], tmp);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("error: unknown command 'destroy'");
    const outside = await switchboard(['g', 'controller', 'Chat'], tmp);
    expect(outside.code).toBe(1);
    expect(outside.stderr).toContain('error: Not inside a Switchboard app');
  });
});
