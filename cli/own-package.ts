import { existsSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { findUp, isRecord, readJson } from './workspace';

/** The name of this CLI's package. */
export const CLI_PACKAGE = '@switchboard/cli';
/** The name of the server framework's package. */
export const SERVER_PACKAGE = 'switchboard';

/** A package.json's name and version, when it has them. */
export interface PackageManifest {
  readonly name?: string;
  readonly version?: string;
  readonly workspaces?: readonly string[];
}

/** The name, version and workspaces of the package in `dir`; empty when it has no readable package.json. */
export function manifestOf(dir: string): PackageManifest {
  const path = join(dir, 'package.json');
  const manifest = existsSync(path) ? readJson(path) : undefined;
  if (!isRecord(manifest)) return {};
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const workspaces = Array.isArray(manifest.workspaces) ? manifest.workspaces.filter((w): w is string => typeof w === 'string') : undefined;
  return { name: text(manifest.name), version: text(manifest.version), workspaces };
}

/** Root of the `@switchboard/cli` package these files belong to (built or, in tests, as source). */
export function findCliRoot(from: string = __dirname): string | undefined {
  return findUp(from, (dir) => manifestOf(dir).name === CLI_PACKAGE);
}

/**
 * The Switchboard checkout the CLI at `cliRoot` is the `cli/` workspace of, or
 * undefined when it is an installed copy (from a tarball or the registry,
 * somewhere under node_modules) that has no checkout to point at.
 */
export function checkoutOf(cliRoot: string): string | undefined {
  if (cliRoot.split(sep).includes('node_modules')) return undefined;
  const parent = dirname(cliRoot);
  const manifest = manifestOf(parent);
  const isWorkspace = join(parent, 'cli') === cliRoot && (manifest.workspaces ?? []).includes('cli');
  return manifest.name === SERVER_PACKAGE && isWorkspace ? parent : undefined;
}
