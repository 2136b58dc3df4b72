// A generated app as a user gets it from published packages: the CLI
// installed from its tarball, `switchboard new --switchboard <server tarball>`,
// a plain `npm install`, then the app's own `npm test`, `npx switchboard` and
// `npm start` in cluster mode. The tarballs are packed from this checkout
// (packPackages); the other packages come from the npm registry, as `npm ci`
// needs it; npm's cache (--prefer-offline) makes it quick.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { packPackages, type PackedPackages } from '../support/packed-packages';
import { runNode, runNpm } from '../support/run-process';
import { expectClusterSharesRoomsAndDrains, startApp } from './support/app-process';

const INSTALL = ['install', '--no-audit', '--no-fund', '--prefer-offline'];

/** Every copy of `name` under `dir`'s node_modules, nested ones included, as paths relative to `dir`. */
function copiesOf(dir: string, name: string): string[] {
  const found: string[] = [];
  const walk = (modules: string): void => {
    if (!existsSync(modules)) return;
    for (const entry of readdirSync(modules)) {
      const packages = entry.startsWith('@') ? readdirSync(join(modules, entry)).map((p) => `${entry}/${p}`) : [entry];
      for (const pkg of packages) {
        if (pkg === name) found.push(relative(dir, join(modules, pkg)));
        walk(join(modules, pkg, 'node_modules'));
      }
    }
  };
  walk(join(dir, 'node_modules'));
  return found;
}

describe('a generated app, from packed tarballs, installed with plain npm install', () => {
  let tmp: string;
  let packs: PackedPackages;
  let app: string;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'sb-cli-install-'));
    mkdirSync(join(tmp, 'packs'));
    packs = await packPackages(join(tmp, 'packs'));
    app = join(tmp, 'shop-floor');
  }, 60_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('new, run from the installed CLI tarball, makes an app that installs with one NestJS and passes its own tests', async () => {
    // The CLI as a user installs it: from its tarball, into a folder of its own.
    const tools = join(tmp, 'tools');
    mkdirSync(tools);
    await runNpm([...INSTALL, '--no-save', packs.cli], tools, 120_000);
    const bin = join(tools, 'node_modules', '.bin', 'switchboard');
    const created = await runNode([bin, 'new', 'shop-floor', '--switchboard', relative(tmp, packs.server)], tmp, 30_000);
    expect({ code: created.code, stderr: created.stderr }).toEqual({ code: 0, stderr: '' });
    const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
    expect(manifest.dependencies.switchboard).toMatch(/^file:vendor\/switchboard-[\d.]+\.tgz$/);
    expect(manifest.devDependencies['@switchboard/cli']).toMatch(/^file:vendor\/switchboard-cli-[\d.]+\.tgz$/);

    await runNpm(INSTALL, app, 240_000);
    // Switchboard's Nest is the app's: one @nestjs/core, which is what makes dependency injection work across them.
    expect(copiesOf(app, '@nestjs/core')).toEqual(['node_modules/@nestjs/core']);
    expect(copiesOf(app, 'switchboard')).toEqual(['node_modules/switchboard']);

    const tested = await runNpm(['test'], app, 120_000);
    expect(tested.stderr).toMatch(/Tests:\s+3 passed, 3 total/);
    const help = await runNpm(['exec', '--', 'switchboard', '--help'], app, 30_000);
    expect(help.stdout).toContain('create:controller');
  }, 480_000);

  it('npm start runs it in cluster mode: a room broadcast from a client on one worker reaches a client on the other', async () => {
    expect(existsSync(join(app, 'node_modules'))).toBe(true);
    const cluster = await startApp('npm', ['start'], app, { PORT: '0', WORKERS: '2' }, /cluster ready: 2 workers share port (\d+)/, 60_000);
    await expectClusterSharesRoomsAndDrains(cluster);
  }, 90_000);
});
