import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { IndentationText, Project, QuoteKind, type ClassDeclaration, type Decorator, type SourceFile } from 'ts-morph';

/** A class and the decorator that makes it a gateway or a module. */
export interface DecoratedClass {
  readonly className: string;
  readonly declaration: ClassDeclaration;
  readonly decorator: Decorator;
  readonly file: SourceFile;
}

/**
 * The app's source files as syntax trees (parsed, not type-checked). Edits
 * stay in memory: `changes()` hands the edited texts to the file plan, so a
 * dry run or a refusal writes nothing.
 */
export class AppSources {
  private readonly project = new Project({
    useInMemoryFileSystem: true,
    skipLoadingLibFiles: true,
    skipAddingFilesFromTsConfig: true,
    skipFileDependencyResolution: true,
    manipulationSettings: { quoteKind: QuoteKind.Single, indentationText: IndentationText.TwoSpaces },
  });
  private readonly originals = new Map<string, string>();
  private readonly notes = new Map<string, string[]>();

  /**
   * `base` is the folder paths in messages are relative to (the app's root);
   * `importExtension` ends the relative imports the edits add (`.js` in ES module apps).
   */
  constructor(
    readonly sourceRoot: string,
    private readonly base: string,
    readonly importExtension: '' | '.js' = '',
  ) {
    for (const path of sourceFiles(sourceRoot)) {
      const text = readFileSync(path, 'utf8');
      this.originals.set(path, text);
      this.project.createSourceFile(path, text, { overwrite: true });
    }
  }

  /** Every class decorated with `@<name>(...)`, in path order. */
  classesDecoratedWith(name: string): DecoratedClass[] {
    return this.project.getSourceFiles().flatMap((file) =>
      file.getClasses().flatMap((declaration) => {
        const decorator = declaration.getDecorator(name);
        const className = declaration.getName();
        return decorator && className ? [{ className, declaration, decorator, file }] : [];
      }),
    );
  }

  /** A path relative to the app's root, for messages. */
  show(path: string): string {
    return relative(this.base, path);
  }

  /** Records what an edit of `file` did, for the UPDATE line. */
  noteEdit(file: SourceFile, note: string): void {
    const path = file.getFilePath();
    this.notes.set(path, [...(this.notes.get(path) ?? []), note]);
  }

  /** Files whose text differs from what was read, with what changed. */
  changes(): { path: string; text: string; note: string }[] {
    return this.project.getSourceFiles().flatMap((file) => {
      const path = file.getFilePath();
      const text = file.getFullText();
      return text === this.originals.get(path) ? [] : [{ path, text, note: (this.notes.get(path) ?? []).join('; ') }];
    });
  }
}

/** `.ts` files under `dir`, specs and declarations left out. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name.startsWith('.') ? [] : sourceFiles(path);
      return entry.isFile() && entry.name.endsWith('.ts') && !/\.(spec|d)\.ts$/.test(entry.name) ? [path] : [];
    })
    .sort();
}
