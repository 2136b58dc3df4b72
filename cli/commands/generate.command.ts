import { existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { AppStyle } from '../app-style';
import type { CliContext } from '../cli-context';
import { CliError } from '../cli-error';
import { CliErrorCode } from '../cli-error-codes';
import { detectAppStyle } from '../detect-app-style';
import { applyPlan, FilePlan } from '../file-plan';
import { artifactNames, type ArtifactKind, type ArtifactNames } from '../names';
import { addToClassList, type NewClass, type Registration } from '../register/add-to-class-list';
import { AppSources, type DecoratedClass } from '../register/app-sources';
import { findGateways, findModuleProviding, findRootModule, gatewayPath } from '../register/app-structure';
import { testAppTemplate, testClientTemplate } from '../templates/app/test-support.template';
import { controllerSpecTemplate, controllerTemplate } from '../templates/controller.template';
import { gatewaySpecTemplate, gatewayTemplate, type SpecModule } from '../templates/gateway.template';
import { serviceSpecTemplate, serviceTemplate } from '../templates/service.template';
import { findWorkspace, type AppWorkspace } from '../workspace';

/** Options shared by `generate <kind>` and `create:controller`. */
export interface GenerateOptions {
  /** Controller only: the gateway to register it in. Default: the app's only gateway. */
  readonly gateway?: string;
  /** Gateway only: the route it serves. Default: `/<kebab-name>`. */
  readonly path?: string;
  /** Write a spec beside the file. Default true. */
  readonly spec?: boolean;
  /** Replace existing files. Default false. */
  readonly force?: boolean;
  /** Print what would be written; write nothing. Default false. */
  readonly dryRun?: boolean;
}

/** What one generator run has to work with. */
interface Generation {
  readonly names: ArtifactNames;
  readonly workspace: AppWorkspace;
  readonly sources: AppSources;
  readonly plan: FilePlan;
  readonly item: NewClass;
  readonly options: GenerateOptions;
  /** The app's module system and test runner, which the written files follow. */
  readonly style: AppStyle;
}

/**
 * Writes a controller, gateway or service (and its spec) into the app's
 * `sourceRoot`, then registers it by editing the syntax tree of the gateway
 * and module it belongs in. Imports and specs follow the app's module system
 * and test runner. Everything is planned first; a refusal writes nothing.
 */
export function generate(kind: ArtifactKind, rawName: string, options: GenerateOptions, context: CliContext): void {
  const names = artifactNames(rawName, kind);
  const workspace = findWorkspace(context.cwd);
  const style = detectAppStyle(workspace.root);
  const sources = new AppSources(workspace.sourceRoot, workspace.root, style.importExtension);
  const folder = join(workspace.sourceRoot, `${kind}s`);
  const item = { className: names.className, path: join(folder, names.fileName) };
  const run: Generation = { names, workspace, sources, plan: new FilePlan(), item, options, style };

  if (kind === 'controller') planController(run);
  else if (kind === 'gateway') planGateway(run);
  else planService(run);

  for (const change of sources.changes()) run.plan.update(change.path, change.text, change.note);
  applyPlan(run.plan, { force: options.force, dryRun: options.dryRun, base: workspace.root }, context.output);
}

function planController(run: Generation): void {
  const { names, sources, plan, item } = run;
  const gateway = chooseGateway(run);
  plan.create(item.path, controllerTemplate(names));
  if (run.options.spec !== false) plan.create(specPath(item), controllerSpecTemplate(names, supportImport(run), run.style));
  planSupportFiles(run);

  if (gateway.kind === 'found') {
    record(run, addToClassList(sources, { owner: gateway.gateway, property: 'controllers', optionsIndex: 1 }, item));
  } else {
    plan.manual(gateway.step);
  }
  const module =
    (gateway.kind === 'found' ? findModuleProviding(sources, gateway.gateway.className) : undefined) ?? findRootModule(sources);
  registerProvider(run, module);
}

function planGateway(run: Generation): void {
  const { names, sources, plan, item } = run;
  const path = run.options.path ?? `/${names.kebabName}`;
  if (!/^\/[A-Za-z0-9\-._~:/]*$/.test(path)) {
    throw new CliError(
      CliErrorCode.BAD_PATH,
      `Bad gateway path "${path}": it must start with "/" and hold only URL path characters, e.g. /chat or /ws/chat/:roomId.`,
    );
  }
  const taken = findGateways(sources).find((g) => gatewayPath(g) === path);
  if (taken && taken.className !== names.className) {
    throw new CliError(
      CliErrorCode.ROUTE_TAKEN,
      `${taken.className} (${sources.show(taken.file.getFilePath())}) already serves ${path}; choose another route with --path.`,
    );
  }
  const module = findRootModule(sources);
  const specModule: SpecModule | undefined = module && {
    className: module.className,
    importPath: `${relativeImport(item.path, module.file.getFilePath())}${run.style.importExtension}`,
  };
  plan.create(item.path, gatewayTemplate(names, path));
  if (run.options.spec !== false) plan.create(specPath(item), gatewaySpecTemplate(names, path, supportImport(run), specModule, run.style));
  planSupportFiles(run);
  registerProvider(run, module);
}

function planService(run: Generation): void {
  const { names, plan, item } = run;
  plan.create(item.path, serviceTemplate(names));
  if (run.options.spec !== false) plan.create(specPath(item), serviceSpecTemplate(names, supportImport(run), run.style));
  planSupportFiles(run);
  registerProvider(run, findRootModule(run.sources));
}

type GatewayChoice = { kind: 'found'; gateway: DecoratedClass } | { kind: 'manual'; step: string };

/** The gateway named by `--gateway`, else the only one; a wrong `--gateway` is an error, an unclear choice a manual step. */
function chooseGateway(run: Generation): GatewayChoice {
  const { sources, item, options } = run;
  const gateways = findGateways(sources);
  const listing = gateways.map((g) => `${g.className} (${sources.show(g.file.getFilePath())})`).join(', ');
  if (options.gateway !== undefined) {
    const wanted = artifactNames(options.gateway, 'gateway').className;
    const gateway = gateways.find((g) => g.className === wanted);
    if (!gateway) {
      throw new CliError(
        CliErrorCode.NO_GATEWAY,
        `No gateway named ${wanted} in ${sources.show(sources.sourceRoot)}/${gateways.length ? `; the app has ${listing}` : '; create one with "switchboard g gateway <name>"'}.`,
      );
    }
    return { kind: 'found', gateway };
  }
  if (gateways.length === 1) return { kind: 'found', gateway: gateways[0] };
  const step = `add ${item.className} to the "controllers" of the @Gateway() that should serve it`;
  if (gateways.length === 0) {
    return { kind: 'manual', step: `${step}; the app has no gateway yet (create one with "switchboard g gateway <name>").` };
  }
  return { kind: 'manual', step: `${step}: the app has several (${listing}); rerun with --gateway <name>, or edit one by hand.` };
}

/** Lists the new class in a module's `providers`, or says what to do by hand. */
function registerProvider(run: Generation, module: DecoratedClass | undefined): void {
  if (!module) {
    run.plan.manual(
      `add ${run.item.className} to the "providers" of your root @Module() (no single root module found in ${run.sources.show(run.sources.sourceRoot)}/).`,
    );
    return;
  }
  record(run, addToClassList(run.sources, { owner: module, property: 'providers', optionsIndex: 0 }, run.item));
}

function record(run: Generation, registration: Registration): void {
  if (registration.kind === 'manual') run.plan.manual(registration.step);
}

/** The specs import `test/support`; an app that lacks it gets it. */
function planSupportFiles(run: Generation): void {
  if (run.options.spec === false) return;
  const support = join(run.workspace.root, 'test', 'support');
  for (const [file, content] of [
    ['test-app.ts', testAppTemplate()],
    ['test-client.ts', testClientTemplate()],
  ] as const) {
    if (!existsSync(join(support, file))) run.plan.create(join(support, file), content);
  }
}

function specPath(item: NewClass): string {
  return item.path.replace(/\.ts$/, '.spec.ts');
}

function supportImport(run: Generation): string {
  return relativeImport(run.item.path, join(run.workspace.root, 'test', 'support'));
}

/** An import specifier from the file at `from` to the file at `to`. */
function relativeImport(from: string, to: string): string {
  const path = relative(join(from, '..'), to).split(sep).join('/').replace(/\.ts$/, '');
  return path.startsWith('.') ? path : `./${path}`;
}
