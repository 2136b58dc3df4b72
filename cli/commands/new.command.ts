import { join, relative, resolve } from 'node:path';
import type { CliContext } from '../cli-context';
import { applyPlan, FilePlan } from '../file-plan';
import { appPackageName } from '../names';
import { findCliRoot } from '../own-package';
import { dependencySpecs, resolveSwitchboardSource, VENDOR } from '../source/switchboard-source';
import type { AppConfig } from '../templates/app/app-config.template';
import { appFiles } from '../templates/app/app-files';

/** Options of `switchboard new`. */
export interface NewOptions {
  /** Folder to create the app in. Default: the normalised app name, under the current folder. */
  readonly directory?: string;
  /**
   * Where the app gets Switchboard: a checkout folder or a `switchboard-x.y.z.tgz`
   * (both packed into the app's `vendor/`), or an npm version range.
   * Default: the checkout this CLI runs from, else the registry at this CLI's version.
   */
  readonly switchboard?: string;
  /** Replace files that already exist. Default false. */
  readonly force?: boolean;
  /** Print what would be written; write nothing. Default false. */
  readonly dryRun?: boolean;
}

/**
 * Writes a runnable app: config, a cluster entry and a single-process one, a
 * gateway, a controller, a service and a test that connects clients. Its
 * `switchboard` and `@switchboard/cli` come from one place (see `resolveSwitchboardSource`).
 */
export function newApp(rawName: string, options: NewOptions, context: CliContext): void {
  const name = appPackageName(rawName);
  const root = resolve(context.cwd, options.directory ?? name);
  const { source, note } = resolveSwitchboardSource(options.switchboard, context.cwd, context.cliRoot ?? findCliRoot());
  const specs = dependencySpecs(source);
  const config: AppConfig = {
    name,
    switchboard: specs.server,
    cli: specs.cli,
    vendoredFrom: source.kind === 'vendor' ? source.from : undefined,
  };

  const plan = new FilePlan();
  for (const [path, content] of appFiles(config)) plan.create(join(root, path), content);
  if (source.kind === 'vendor') {
    for (const pkg of [source.server, source.cli]) plan.produce(join(root, VENDOR, pkg.fileName), pkg);
  }
  applyPlan(plan, { force: options.force, dryRun: options.dryRun, base: context.cwd }, context.output);
  if (note) context.output.err(note);
  if (options.dryRun) return;

  const from = source.kind === 'vendor' ? `${source.from}, packed into ${VENDOR}/` : `the npm registry, ${source.range}`;
  context.output.out(
    [
      '',
      `Created ${name} (Switchboard from ${from}). Next:`,
      `  cd ${relative(context.cwd, root) || '.'}`,
      '  npm install',
      '  npm start              # cluster mode, a worker per core: ws://localhost:3000/ws',
      '  npm test',
    ].join('\n'),
  );
}
