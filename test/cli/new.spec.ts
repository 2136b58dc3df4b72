import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { CliErrorCode } from '../../cli/cli-error-codes';
import { readPackedManifest } from '../../cli/source/packed-manifest';
import { packPackages, type PackedPackages } from '../support/packed-packages';
import { REPO } from '../support/repo';
import { cli } from './support/run-cli';

const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
const SERVER_TGZ = `switchboard-${VERSION}.tgz`;
const CLI_TGZ = `switchboard-cli-${VERSION}.tgz`;

/** Whether an npm tarball holds `path` (tar headers carry entry names as plain text). */
function holds(tgz: string, path: string): boolean {
  return gunzipSync(readFileSync(tgz)).includes(Buffer.from(`package/${path}\0`));
}

describe('switchboard new: where the app gets switchboard and @switchboard/cli', () => {
  let tmp: string;
  let packs: PackedPackages;
  const manifest = (app: string) => JSON.parse(readFileSync(join(tmp, app, 'package.json'), 'utf8'));

  beforeAll(async () => {
    packs = await packPackages(mkdtempSync(join(tmpdir(), 'sb-new-packs-')));
  }, 60_000);
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'sb-new-'));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));
  afterAll(() => rmSync(join(packs.server, '..'), { recursive: true, force: true }));

  it('run from a checkout, packs both packages into vendor/ and depends on them there, with no link back', async () => {
    const result = await cli(['new', 'demo'], tmp);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain(`CREATE demo/vendor/${SERVER_TGZ} (packed from ${REPO})`);
    expect(result.out).toContain(`CREATE demo/vendor/${CLI_TGZ} (packed from ${join(REPO, 'cli')})`);
    const { dependencies, devDependencies, scripts } = manifest('demo');
    expect(dependencies.switchboard).toBe(`file:vendor/${SERVER_TGZ}`);
    expect(devDependencies['@switchboard/cli']).toBe(`file:vendor/${CLI_TGZ}`);
    expect(Object.keys(dependencies)).toEqual([
      '@nestjs/common',
      '@nestjs/core',
      '@nestjs/platform-express',
      '@nestjs/platform-ws',
      '@nestjs/websockets',
      'reflect-metadata',
      'rxjs',
      'switchboard',
      'ws',
    ]);
    expect(scripts).toMatchObject({ start: 'npm run build && node dist/main.js', 'start:single': 'npm run build && node dist/single.js' });
    expect(readFileSync(join(tmp, 'demo', 'package.json'), 'utf8')).not.toContain(REPO);
    expect(existsSync(join(tmp, 'demo', '.npmrc'))).toBe(false);

    const vendor = join(tmp, 'demo', 'vendor');
    expect(readPackedManifest(join(vendor, SERVER_TGZ))).toEqual({ name: 'switchboard', version: VERSION });
    expect(readPackedManifest(join(vendor, CLI_TGZ))).toEqual({ name: '@switchboard/cli', version: VERSION });
    expect(holds(join(vendor, SERVER_TGZ), 'dist/src/index.js')).toBe(true);
    expect(holds(join(vendor, CLI_TGZ), 'dist/main.js')).toBe(true);
    expect(readFileSync(join(tmp, 'demo', 'README.md'), 'utf8')).toContain(
      `install from the tarballs in \`vendor/\`, taken\nfrom \`${REPO}\``,
    );
  });

  it('--dry-run lists the tarballs it would pack and writes nothing', async () => {
    const result = await cli(['new', 'demo', '--dry-run'], tmp);
    expect(result.code).toBe(0);
    expect(result.out).toContain(`CREATE demo/vendor/${SERVER_TGZ} (packed from ${REPO})\nCREATE demo/vendor/${CLI_TGZ}`);
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('--switchboard <switchboard-x.y.z.tgz>: copies it into vendor/ and packs the CLI that runs beside it', async () => {
    const cwd = join(tmp, 'work');
    mkdirSync(cwd);
    // A relative path, as a user types it.
    const result = await cli(['new', 'from-tarball', '--switchboard', relative(cwd, packs.server)], cwd);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain(`CREATE from-tarball/vendor/${SERVER_TGZ} (copied from ${packs.server})`);
    const app = join(cwd, 'from-tarball');
    expect(readFileSync(join(app, 'vendor', SERVER_TGZ))).toEqual(readFileSync(packs.server));
    expect(readPackedManifest(join(app, 'vendor', CLI_TGZ))).toEqual({ name: '@switchboard/cli', version: VERSION });
    const { dependencies, devDependencies } = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
    expect([dependencies.switchboard, devDependencies['@switchboard/cli']]).toEqual([
      `file:vendor/${SERVER_TGZ}`,
      `file:vendor/${CLI_TGZ}`,
    ]);
  });

  it('--switchboard <version range>: both packages from the registry at that range, nothing vendored', async () => {
    expect(await cli(['new', 'Published App', '--switchboard', '^0.2.0'], tmp)).toMatchObject({ code: 0, err: '' });
    const { dependencies, devDependencies } = manifest('published-app');
    expect([dependencies.switchboard, devDependencies['@switchboard/cli']]).toEqual(['^0.2.0', '^0.2.0']);
    expect(existsSync(join(tmp, 'published-app', 'vendor'))).toBe(false);
  });

  it('run from an installed copy of the CLI, asks the registry for its own version and says how to choose otherwise', async () => {
    const installed = join(tmp, 'node_modules', '@switchboard', 'cli');
    mkdirSync(installed, { recursive: true });
    writeFileSync(join(installed, 'package.json'), JSON.stringify({ name: '@switchboard/cli', version: '1.2.3' }));
    const result = await cli(['new', 'from-copy'], tmp, installed);
    expect(result.code).toBe(0);
    expect(result.err).toContain(
      'note: this CLI is an installed copy, not a checkout, so the app gets switchboard and @switchboard/cli ^1.2.3 from the npm registry.',
    );
    expect(result.err).toContain('pass --switchboard <folder | switchboard-x.y.z.tgz>');
    const { dependencies, devDependencies } = manifest('from-copy');
    expect([dependencies.switchboard, devDependencies['@switchboard/cli']]).toEqual(['^1.2.3', '^1.2.3']);
  });

  describe('refusals: a clear message, a non-zero exit, nothing written', () => {
    const refused = async (args: string[], code: CliErrorCode, message: RegExp | string): Promise<void> => {
      const result = await cli(['new', 'demo', ...args], tmp);
      expect(result.code).toBe(1);
      expect(result.err).toContain(`error ${code}: `);
      expect(result.err).toMatch(message);
      expect(existsSync(join(tmp, 'demo'))).toBe(false);
    };

    it('a tarball of another package', async () => {
      await refused(
        ['--switchboard', packs.client],
        CliErrorCode.BAD_TARBALL,
        /holds @switchboard\/client, not switchboard \(the server package\): give switchboard-x\.y\.z\.tgz/,
      );
    });

    it('a file that is not a tarball', async () => {
      writeFileSync(join(tmp, 'switchboard-9.9.9.tgz'), 'not gzip');
      await refused(
        ['--switchboard', './switchboard-9.9.9.tgz'],
        CliErrorCode.BAD_TARBALL,
        /switchboard-9\.9\.9\.tgz is not an npm package tarball/,
      );
    });

    it('a path that does not exist, or a folder that is not a checkout', async () => {
      await refused(['--switchboard', './nowhere'], CliErrorCode.UNKNOWN_SOURCE, `${join(tmp, 'nowhere')} does not exist`);
      mkdirSync(join(tmp, 'other'));
      writeFileSync(join(tmp, 'other', 'package.json'), JSON.stringify({ name: 'other' }));
      await refused(
        ['--switchboard', 'other'],
        CliErrorCode.NOT_A_CHECKOUT,
        `${join(tmp, 'other')} (--switchboard other) is not a Switchboard checkout: its package.json names "other"`,
      );
    });

    it('a checkout that is not built', async () => {
      const checkout = join(tmp, 'checkout');
      mkdirSync(join(checkout, 'cli'), { recursive: true });
      writeFileSync(join(checkout, 'package.json'), JSON.stringify({ name: 'switchboard', version: '0.1.0', workspaces: ['cli'] }));
      writeFileSync(join(checkout, 'cli', 'package.json'), JSON.stringify({ name: '@switchboard/cli', version: '0.1.0' }));
      await refused(
        ['--switchboard', checkout],
        CliErrorCode.NOT_BUILT,
        `${checkout} is not built (no dist/src/index.js), so it cannot be packed into the app: run "npm run build" in ${checkout}`,
      );
    });

    it('something that is neither a path nor a version range', async () => {
      await refused(
        ['--switchboard', 'latest; rm -rf'],
        CliErrorCode.UNKNOWN_SOURCE,
        /Bad --switchboard "latest; rm -rf": give a Switchboard checkout folder/,
      );
    });
  });
});
