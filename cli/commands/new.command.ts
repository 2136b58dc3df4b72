import { existsSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import type { CliContext } from '../cli-context';
import { CliError } from '../cli-error';
import { applyPlan, FilePlan } from '../file-plan';
import { appPackageName } from '../names';
import {
  appControllerTemplate,
  appE2eSpecTemplate,
  appGatewayTemplate,
  appModuleTemplate,
  appServiceTemplate,
  mainTemplate,
} from '../templates/app/app-sources.template';
import {
  APP_DEPENDENCIES,
  APP_DEV_DEPENDENCIES,
  gitignoreTemplate,
  isFileDependency,
  nestCliTemplate,
  npmrcTemplate,
  packageJsonTemplate,
  readmeTemplate,
  tsconfigBuildTemplate,
  tsconfigTemplate,
  type AppConfig,
} from '../templates/app/app-config.template';
import { testAppTemplate, testClientTemplate } from '../templates/app/test-support.template';
import { findPackageRoot, isRecord, readJson } from '../workspace';

/** Options of `switchboard new`. */
export interface NewOptions {
  /** Folder to create the app in. Default: the normalised app name, under the current folder. */
  readonly directory?: string;
  /**
   * Where the app gets Switchboard: a folder (becomes a `file:` reference) or
   * an npm version range. Default: the checkout this CLI runs from.
   */
  readonly switchboard?: string;
  /** Replace files that already exist. Default false. */
  readonly force?: boolean;
  /** Print what would be written; write nothing. Default false. */
  readonly dryRun?: boolean;
}

/**
 * Version ranges for the app's packages when the CLI cannot read its own
 * package.json; otherwise that file's ranges win, so app and framework agree.
 */
const DEFAULT_VERSIONS: Readonly<Record<string, string>> = {
  '@nestjs/common': '^11.2.10',
  '@nestjs/core': '^11.2.10',
  '@nestjs/platform-express': '^11.2.10',
  'reflect-metadata': '^0.2.2',
  rxjs: '^7.8.2',
  // Exact: later builds are missing for some platforms, which breaks `npm ci`.
  '@swc/core': '1.16.18',
  '@swc/jest': '^0.2.39',
  '@types/jest': '^29.5.14',
  '@types/node': '^20.19.43',
  '@types/ws': '^8.18.2',
  jest: '^29.7.0',
  typescript: '~5.7',
  ws: '^8.23.0',
};

/** Writes a runnable app skeleton: config, a gateway, a controller, a service and a test that connects a client. */
export function newApp(rawName: string, options: NewOptions, context: CliContext): void {
  const name = appPackageName(rawName);
  const root = resolve(context.cwd, options.directory ?? name);
  const packageRoot = context.packageRoot ?? findPackageRoot();
  const config: AppConfig = {
    name,
    switchboard: switchboardDependency(options.switchboard, context, packageRoot),
    versions: dependencyVersions(packageRoot),
  };

  const plan = new FilePlan();
  const files: [string, string][] = [
    ['package.json', packageJsonTemplate(config)],
    ['tsconfig.json', tsconfigTemplate()],
    ['tsconfig.build.json', tsconfigBuildTemplate()],
    ['nest-cli.json', nestCliTemplate()],
    ['.gitignore', gitignoreTemplate()],
    ['README.md', readmeTemplate(config)],
    ['src/main.ts', mainTemplate()],
    ['src/app.module.ts', appModuleTemplate()],
    ['src/gateways/app.gateway.ts', appGatewayTemplate()],
    ['src/controllers/app.controller.ts', appControllerTemplate()],
    ['src/services/app.service.ts', appServiceTemplate()],
    ['test/app.e2e.spec.ts', appE2eSpecTemplate()],
    ['test/support/test-app.ts', testAppTemplate()],
    ['test/support/test-client.ts', testClientTemplate()],
  ];
  if (isFileDependency(config)) files.push(['.npmrc', npmrcTemplate()]);
  for (const [path, content] of files) plan.create(join(root, path), content);
  applyPlan(plan, { force: options.force, dryRun: options.dryRun, base: context.cwd }, context.output);
  if (options.dryRun) return;
  const builtFrom = config.switchboard.startsWith('file:') ? config.switchboard.slice('file:'.length) : undefined;
  if (builtFrom !== undefined && !existsSync(join(builtFrom, 'dist', 'src', 'index.js'))) {
    context.output.err(`note: ${builtFrom} is not built (no dist/src/index.js); run "npm install" or "npm run build" there before "npm install" in the app.`);
  }

  const cd = relative(context.cwd, root) || '.';
  context.output.out(
    [
      '',
      `Created ${name} (Switchboard from ${config.switchboard}). Next:`,
      `  cd ${cd}`,
      '  npm install',
      '  npm start    # ws://localhost:3000/ws',
      '  npm test',
    ].join('\n'),
  );
}

/**
 * `file:<absolute folder>` for a path (checked), the text itself for a version
 * range. By default the checkout this CLI runs from; when the CLI is itself an
 * installed copy (inside node_modules) there is no checkout to point at, so
 * the app asks the registry for this version instead.
 */
function switchboardDependency(flag: string | undefined, context: CliContext, packageRoot: string | undefined): string {
  if (flag === undefined) {
    if (packageRoot === undefined) {
      throw new CliError("Cannot tell where this CLI's Switchboard package is; pass --switchboard <folder or version range>.");
    }
    if (!packageRoot.split(sep).includes('node_modules')) return `file:${packageRoot}`;
    const manifest = readJson(join(packageRoot, 'package.json'));
    const version = isRecord(manifest) && typeof manifest.version === 'string' ? manifest.version : 'latest';
    const range = version === 'latest' ? version : `^${version}`;
    context.output.err(
      `note: this CLI is an installed copy (${packageRoot}), so the app asks the registry for switchboard@${range}; pass --switchboard <checkout folder> to use a checkout instead.`,
    );
    return range;
  }
  const value = flag.trim();
  const isPath = value.startsWith('file:') || value.startsWith('.') || value.startsWith('/') || value.includes('\\');
  if (!isPath) {
    if (value === '' || /\s/.test(value)) throw new CliError(`Bad --switchboard "${flag}": give a folder or an npm version range such as ^0.1.0.`);
    return value;
  }
  const folder = resolve(context.cwd, value.replace(/^file:/, ''));
  if (!existsSync(join(folder, 'package.json'))) {
    throw new CliError(`--switchboard ${flag}: ${folder} has no package.json; point it at a Switchboard checkout.`);
  }
  return `file:${folder}`;
}

/** The defaults, overridden by the ranges Switchboard's own package.json uses. */
function dependencyVersions(packageRoot: string | undefined): Record<string, string> {
  const manifest = packageRoot === undefined ? undefined : readJson(join(packageRoot, 'package.json'));
  const own: Record<string, string> = {};
  if (isRecord(manifest)) {
    for (const field of ['devDependencies', 'dependencies']) {
      const deps = manifest[field];
      if (!isRecord(deps)) continue;
      for (const [pkg, range] of Object.entries(deps)) if (typeof range === 'string') own[pkg] = range;
    }
  }
  const wanted = [...APP_DEPENDENCIES, ...APP_DEV_DEPENDENCIES];
  return Object.fromEntries(wanted.map((pkg) => [pkg, own[pkg] ?? DEFAULT_VERSIONS[pkg]]));
}
