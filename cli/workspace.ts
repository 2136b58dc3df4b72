import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { CliError } from './cli-error';
import { CliErrorCode } from './cli-error-codes';

/** The app a generator runs in: the folder holding `nest-cli.json`, and its source folder. */
export interface AppWorkspace {
  readonly root: string;
  /** Absolute path of `sourceRoot` from `nest-cli.json` (default `src`). */
  readonly sourceRoot: string;
}

/** The nearest app at or above `cwd`; a `CliError` when there is none. */
export function findWorkspace(cwd: string): AppWorkspace {
  const root = findUp(cwd, (dir) => existsSync(join(dir, 'nest-cli.json')));
  if (root === undefined) {
    throw new CliError(
      CliErrorCode.NOT_AN_APP,
      `Not inside a Switchboard app: no nest-cli.json in ${cwd} or any folder above it. ` +
        'Run this in an app folder, or create one with "switchboard new <app-name>".',
    );
  }
  const configPath = join(root, 'nest-cli.json');
  const config = readJson(configPath);
  const declared = isRecord(config) ? config.sourceRoot : undefined;
  if (declared !== undefined && typeof declared !== 'string') {
    throw new CliError(CliErrorCode.BAD_CONFIG, `${configPath}: "sourceRoot" must be a string (a folder such as "src").`);
  }
  const sourceRoot = resolve(root, declared ?? 'src');
  if (!existsSync(sourceRoot) || !statSync(sourceRoot).isDirectory()) {
    throw new CliError(
      CliErrorCode.BAD_CONFIG,
      `${configPath} names "${declared ?? 'src'}" as sourceRoot, but ${sourceRoot} is not a folder.`,
    );
  }
  return { root, sourceRoot };
}

/** Parses a JSON file; a `CliError` naming the file when it is not JSON. */
export function readJson(path: string): unknown {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as unknown;
  } catch (error) {
    throw new CliError(CliErrorCode.BAD_CONFIG, `${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/** Narrows `unknown` to a plain object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The nearest folder at or above `from` for which `found` holds. */
export function findUp(from: string, found: (dir: string) => boolean): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (found(dir)) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
