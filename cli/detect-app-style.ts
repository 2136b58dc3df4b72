import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ts } from 'ts-morph';
import type { AppStyle } from './app-style';
import { isRecord, readJson } from './workspace';

const VITEST_CONFIGS = ['vitest.config', 'vitest.workspace'].flatMap((base) =>
  ['ts', 'mts', 'cts', 'js', 'mjs', 'cjs'].map((ext) => `${base}.${ext}`),
);

/** Reads the app's package.json and tsconfig.json (with what it extends) to tell its module system and test runner. */
export function detectAppStyle(root: string): AppStyle {
  const manifest = existsSync(join(root, 'package.json')) ? readJson(join(root, 'package.json')) : undefined;
  const pkg = isRecord(manifest) ? manifest : {};
  const esm = pkg.type === 'module' || usesNodeModules(join(root, 'tsconfig.json'));
  return { importExtension: esm ? '.js' : '', testRunner: testRunnerOf(root, pkg) };
}

/** True when the tsconfig's `module` or `moduleResolution` is `node16`, `node18`, `node20` or `nodenext`. */
function usesNodeModules(tsconfig: string): boolean {
  if (!existsSync(tsconfig)) return false;
  const read = ts.readConfigFile(tsconfig, (path) => ts.sys.readFile(path));
  if (read.error || !isRecord(read.config)) return false;
  // Resolves `extends` (files and packages such as @tsconfig/node20) as tsc does; errors in the rest do not matter here.
  const { options } = ts.parseJsonConfigFileContent(read.config, ts.sys, join(tsconfig, '..'), undefined, tsconfig);
  const module = options.module ?? ts.ModuleKind.None;
  const resolution = options.moduleResolution ?? ts.ModuleResolutionKind.Classic;
  return (
    (module >= ts.ModuleKind.Node16 && module <= ts.ModuleKind.NodeNext) ||
    resolution === ts.ModuleResolutionKind.Node16 ||
    resolution === ts.ModuleResolutionKind.NodeNext
  );
}

/** The runner the `test` script names; else vitest when it is installed or configured; else jest. */
function testRunnerOf(root: string, pkg: Record<string, unknown>): AppStyle['testRunner'] {
  const script = isRecord(pkg.scripts) && typeof pkg.scripts.test === 'string' ? pkg.scripts.test : '';
  if (/\bvitest\b/.test(script)) return 'vitest';
  if (/\bjest\b/.test(script)) return 'jest';
  const listed = ['dependencies', 'devDependencies'].some((field) => {
    const deps = pkg[field];
    return isRecord(deps) && 'vitest' in deps;
  });
  return listed || VITEST_CONFIGS.some((file) => existsSync(join(root, file))) ? 'vitest' : 'jest';
}
