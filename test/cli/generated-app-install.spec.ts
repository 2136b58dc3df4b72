// A generated app as its user gets it: `switchboard new`, then a plain
// `npm install` from the registry (Switchboard itself through the `file:`
// reference to this checkout), then its own `npm test` and `npx switchboard`.
// Needs the npm registry, as `npm ci` does; npm's cache makes it quick.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { within } from '../support/wait';
import { childEnv, collect, runNode, type ProcessResult } from './support/run-process';

const REPO = join(__dirname, '..', '..');
const BIN = join(REPO, 'dist', 'cli', 'main.js');

async function npm(args: string[], cwd: string, ms: number): Promise<ProcessResult> {
  // Inherited npm_config_* (from the `npm test` running us) would steer the app's install; drop them.
  const env = Object.fromEntries(Object.entries(childEnv()).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
  const child = spawn('npm', args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = collect(child);
  const code = await within(
    new Promise<number | null>((resolve, reject) => child.once('error', reject).once('close', resolve)),
    ms,
    `"npm ${args.join(' ')}" in ${cwd} to finish`,
  ).catch((error: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${error.message}\nstdout:\n${output.stdout}\nstderr:\n${output.stderr}`);
  });
  if (code !== 0) throw new Error(`npm ${args.join(' ')} exited with ${code}\nstdout:\n${output.stdout}\nstderr:\n${output.stderr}`);
  return { code, ...output };
}

describe('a generated app installed with plain npm install', () => {
  let tmp: string;
  let app: string;

  beforeAll(() => {
    if (!existsSync(BIN)) throw new Error('the CLI is not built: run `npm run build` (npm install does it)');
    tmp = mkdtempSync(join(tmpdir(), 'sb-cli-install-'));
    app = join(tmp, 'shop-floor');
  });
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('installs, passes its own tests, and runs npx switchboard', async () => {
    const created = await runNode([BIN, 'new', 'shop-floor'], tmp, 20_000);
    expect({ code: created.code, stderr: created.stderr }).toEqual({ code: 0, stderr: '' });
    expect(JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')).dependencies.switchboard).toBe(`file:${REPO}`);

    await npm(['install', '--no-audit', '--no-fund', '--prefer-offline'], app, 240_000);
    // install-links=true: a copy of the package, not a link back into this checkout.
    expect(existsSync(join(app, 'node_modules', 'switchboard', 'dist', 'src', 'index.js'))).toBe(true);

    const tested = await npm(['test'], app, 120_000);
    expect(tested.stderr).toMatch(/Tests:\s+\d+ passed, \d+ total/);

    const help = await npm(['exec', '--', 'switchboard', '--help'], app, 30_000);
    expect(help.stdout).toContain('create:controller');
  }, 420_000);
});
