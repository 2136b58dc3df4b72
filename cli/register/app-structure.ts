import { basename, dirname } from 'node:path';
import { Node, type Expression } from 'ts-morph';
import type { AppSources, DecoratedClass } from './app-sources';

/** Every `@Gateway()` class of the app. */
export function findGateways(sources: AppSources): DecoratedClass[] {
  return sources.classesDecoratedWith('Gateway');
}

/** The route a gateway serves, when it is written as a string literal. */
export function gatewayPath(gateway: DecoratedClass): string | undefined {
  const [path] = gateway.decorator.getArguments();
  return Node.isStringLiteral(path) || Node.isNoSubstitutionTemplateLiteral(path) ? path.getLiteralValue() : undefined;
}

/**
 * The root module: the only `@Module()`, else the only one importing
 * `SwitchboardModule`, else `app.module.ts` directly in the source root.
 * Undefined when that does not single one out.
 */
export function findRootModule(sources: AppSources): DecoratedClass | undefined {
  const modules = sources.classesDecoratedWith('Module');
  if (modules.length <= 1) return modules[0];
  const withSwitchboard = modules.filter((m) => listOf(m, 'imports').some((e) => /^SwitchboardModule\b/.test(e.getText())));
  if (withSwitchboard.length === 1) return withSwitchboard[0];
  const conventional = modules.filter(
    (m) => basename(m.file.getFilePath()) === 'app.module.ts' && dirname(m.file.getFilePath()) === sources.sourceRoot,
  );
  return conventional.length === 1 ? conventional[0] : undefined;
}

/** The module whose `providers` list `className`, if exactly one does. */
export function findModuleProviding(sources: AppSources, className: string): DecoratedClass | undefined {
  const owners = sources
    .classesDecoratedWith('Module')
    .filter((m) => listOf(m, 'providers').some((e) => Node.isIdentifier(e) && e.getText() === className));
  return owners.length === 1 ? owners[0] : undefined;
}

/** Elements of `@Module({ <property>: [...] })` when it is written literally; otherwise none. */
function listOf(module: DecoratedClass, property: string): Expression[] {
  const [options] = module.decorator.getArguments();
  if (!Node.isObjectLiteralExpression(options)) return [];
  const assignment = options.getProperty(property);
  const list = Node.isPropertyAssignment(assignment) ? assignment.getInitializer() : undefined;
  return Node.isArrayLiteralExpression(list) ? list.getElements() : [];
}
