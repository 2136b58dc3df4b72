import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../cli-error';
import { CliErrorCode } from '../cli-error-codes';

/** How long one `npm pack` may take before the CLI gives up, in ms. */
const PACK_TIMEOUT_MS = 60_000;

/** npm's file name for a packed package: `@switchboard/cli` 0.1.0 is `switchboard-cli-0.1.0.tgz`. */
export function tarballName(name: string, version: string): string {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`;
}

/**
 * Packs the package in `folder` as `npm publish` would ship it (its `files`,
 * as built now: scripts are skipped, so packing never rebuilds a checkout
 * someone is working in) and returns the tarball's bytes.
 */
export function packFolder(folder: string): Buffer {
  const destination = mkdtempSync(join(tmpdir(), 'switchboard-pack-'));
  try {
    const windows = process.platform === 'win32';
    const args = ['pack', folder, '--ignore-scripts', '--json', '--pack-destination', destination];
    // npm is npm.cmd on Windows, which only a shell runs; the shell then needs the paths quoted.
    const result = spawnSync('npm', windows ? args.map((a) => `"${a}"`) : args, {
      cwd: destination,
      encoding: 'utf8',
      timeout: PACK_TIMEOUT_MS,
      shell: windows,
    });
    if (result.error || result.status !== 0) {
      const why = result.error?.message ?? `exit code ${result.status}`;
      throw new CliError(
        CliErrorCode.PACK_FAILED,
        `"npm pack ${folder}" failed (${why}); nothing was written.\n${result.stderr ?? ''}`.trimEnd(),
      );
    }
    const [packed] = JSON.parse(result.stdout) as { filename: string }[];
    return readFileSync(join(destination, packed.filename));
  } finally {
    rmSync(destination, { recursive: true, force: true });
  }
}
