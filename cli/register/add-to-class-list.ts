import { Node, type ArrayLiteralExpression, type SourceFile } from 'ts-morph';
import type { AppSources, DecoratedClass } from './app-sources';

/** A class a generator wrote, to be listed somewhere. */
export interface NewClass {
  readonly className: string;
  /** Absolute path of its file. */
  readonly path: string;
}

/** What registering did: added it, found it already there, or a step the user has to do by hand. */
export type Registration = { readonly kind: 'added' } | { readonly kind: 'present' } | { readonly kind: 'manual'; readonly step: string };

/** Where the list lives: `@Gateway(path, { controllers })` or `@Module({ providers })`. */
export interface ListTarget {
  readonly owner: DecoratedClass;
  /** `controllers` or `providers`. */
  readonly property: string;
  /** Position of the options object among the decorator's arguments. */
  readonly optionsIndex: number;
}

/**
 * Adds `item` to an array property of a decorator's options object, and imports
 * it, by editing the syntax tree. It only edits shapes it fully understands
 * (no options yet, an object literal without the property, a literal array);
 * anything else (a variable, a spread, a shorthand) is left alone and the
 * answer says what to add by hand and where.
 */
export function addToClassList(sources: AppSources, target: ListTarget, item: NewClass): Registration {
  const { owner, property, optionsIndex } = target;
  const args = owner.decorator.getArguments();
  const where = `${owner.className} (${sources.show(owner.file.getFilePath())})`;
  const manual = (why: string): Registration => ({
    kind: 'manual',
    step:
      `add ${item.className} to the "${property}" of @${owner.decorator.getName()}() on ${where}, ` +
      `importing it from '${moduleSpecifier(owner.file, item.path, sources.importExtension)}' (${why}).`,
  });

  let edit: () => void;
  const options = args[optionsIndex];
  if (options === undefined) {
    if (args.length !== optionsIndex) return manual('its arguments are not the ones expected');
    edit = () => owner.decorator.addArgument(`{ ${property}: [${item.className}] }`);
  } else if (!Node.isObjectLiteralExpression(options)) {
    return manual('its options are not an object literal');
  } else {
    const existing = options.getProperty(property);
    if (existing === undefined) {
      if (options.getProperties().some((p) => Node.isSpreadAssignment(p)))
        return manual(`its options spread another object that may hold "${property}"`);
      const entry = `${property}: [${item.className}]`;
      // ts-morph would break a one-line object over several lines; keep it on one.
      edit = options.getText().includes('\n')
        ? () => {
            const trailingComma = options.compilerNode.properties.hasTrailingComma;
            const added = options.addPropertyAssignment({ name: property, initializer: `[${item.className}]` });
            if (trailingComma) added.getSourceFile().insertText(added.getEnd(), ',');
          }
        : () => options.replaceWithText(`{ ${[...options.getProperties().map((p) => p.getText()), entry].join(', ')} }`);
    } else {
      const list = Node.isPropertyAssignment(existing) ? existing.getInitializer() : undefined;
      if (!Node.isArrayLiteralExpression(list)) return manual(`"${property}" is not an array literal`);
      if (list.getElements().some((e) => Node.isIdentifier(e) && e.getText() === item.className)) return { kind: 'present' };
      edit = () => appendElement(list, item.className);
    }
  }
  ensureImport(owner.file, item, sources.importExtension);
  edit();
  sources.noteEdit(owner.file, `${item.className} added to the ${property} of ${owner.className}`);
  return { kind: 'added' };
}

/** Appends on a new line when the array is written one element per line, keeping a trailing comma. */
function appendElement(list: ArrayLiteralExpression, text: string): void {
  const trailingComma = list.compilerNode.elements.hasTrailingComma;
  const added = list.addElement(text, { useNewLines: list.getText().includes('\n') });
  if (trailingComma && !list.compilerNode.elements.hasTrailingComma) list.getSourceFile().insertText(added.getEnd(), ',');
}

/** Imports `item` into `file` unless it is declared or imported there already; `extension` ends the path (`.js` in ES module apps). */
export function ensureImport(file: SourceFile, item: NewClass, extension = ''): void {
  if (file.getFilePath() === item.path || file.getClass(item.className)) return;
  const imported = file
    .getImportDeclarations()
    .some((d) => d.getNamedImports().some((n) => (n.getAliasNode() ?? n.getNameNode()).getText() === item.className));
  if (imported) return;
  const specifier = moduleSpecifier(file, item.path, extension);
  const sameModule = file.getImportDeclaration(
    (d) => d.getModuleSpecifierValue() === specifier && !d.isTypeOnly() && d.getNamespaceImport() === undefined,
  );
  if (sameModule) sameModule.addNamedImport(item.className);
  else file.addImportDeclaration({ namedImports: [item.className], moduleSpecifier: specifier });
}

/** `./controllers/chat.controller` (with `extension`, `./controllers/chat.controller.js`) for a file next to `from`'s folder. */
export function moduleSpecifier(from: SourceFile, path: string, extension = ''): string {
  return `${from.getRelativePathAsModuleSpecifierTo(path)}${extension}`;
}
