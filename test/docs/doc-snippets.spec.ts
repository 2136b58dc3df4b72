// Every ```ts block of README.md and docs/**/*.md must compile. Each block is
// written to its own file in a temporary folder and the lot is type-checked as
// one TypeScript program (strict, decorators with metadata), with `switchboard`
// and `@switchboard/client` mapped to this checkout's sources and every other
// package taken from its node_modules. A block right after
// `<!-- snippet: not compiled -->` is skipped: keep those for fragments.
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { REPO } from '../support/repo';

const SKIP_MARKER = '<!-- snippet: not compiled -->';
const OPENING = /^(\s*)```(ts|typescript)\s*$/;
const CLOSING = /^\s*```\s*$/;

/** One compiled block: where it is in its doc, and the file it was written to. */
interface Snippet {
  /** The doc, relative to the repository root. */
  readonly doc: string;
  /** 1-based line in the doc of the block's first line of code. */
  readonly line: number;
  readonly code: string;
  file: string;
}

/** README.md and every .md under docs/, in a stable order. */
function docFiles(): string[] {
  const found = ['README.md'];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(REPO, dir), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md')) found.push(path);
    }
  };
  walk('docs');
  return found;
}

/** The ```ts blocks of one doc, minus those marked as not compiled. */
function extractSnippets(doc: string, text: string): Omit<Snippet, 'file'>[] {
  const lines = text.split('\n');
  const snippets: Omit<Snippet, 'file'>[] = [];
  for (let i = 0; i < lines.length; i++) {
    const opening = OPENING.exec(lines[i]);
    if (!opening) continue;
    const indent = opening[1].length;
    let end = i + 1;
    while (end < lines.length && !CLOSING.test(lines[end])) end++;
    if (end === lines.length) throw new Error(`${doc}:${i + 1}: a \`\`\`ts block is never closed`);
    let previous = i - 1;
    while (previous >= 0 && lines[previous].trim() === '') previous--;
    const skipped = previous >= 0 && lines[previous].trim() === SKIP_MARKER;
    if (!skipped) {
      // Blocks inside list items are indented; the code is not.
      const code = lines.slice(i + 1, end).map((line) => line.slice(Math.min(indent, line.length - line.trimStart().length)));
      snippets.push({ doc, line: i + 2, code: `${code.join('\n')}\n` });
    }
    i = end;
  }
  return snippets;
}

function compilerOptions(): ts.CompilerOptions {
  return {
    strict: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    target: ts.ScriptTarget.ES2022,
    // ES modules so that a client snippet may `await` at the top level, as in a browser module.
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    moduleDetection: ts.ModuleDetectionKind.Force,
    esModuleInterop: true,
    resolveJsonModule: true,
    skipLibCheck: true,
    noEmit: true,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: ['node', 'jest'],
    typeRoots: [join(REPO, 'node_modules/@types')],
    paths: {
      switchboard: [join(REPO, 'src/index.ts')],
      '@switchboard/client': [join(REPO, 'client/index.ts')],
      'switchboard/client': [join(REPO, 'client/index.ts')],
    },
  };
}

/** `README.md:42 (snippet file ….ts:3:7): error TS2449: …` */
function describeDiagnostic(diagnostic: ts.Diagnostic, snippet: Snippet | undefined): string {
  const text = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  if (!diagnostic.file || diagnostic.start === undefined) return `error TS${diagnostic.code}: ${text}`;
  const { line, character } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  const at = `${relative(REPO, diagnostic.file.fileName)}:${line + 1}:${character + 1}`;
  if (!snippet) return `${at}: error TS${diagnostic.code}: ${text}`;
  const source = snippet.code.split('\n')[line] ?? '';
  return `${snippet.doc}:${snippet.line + line}: error TS${diagnostic.code}: ${text}\n    ${source.trim()}\n    (the snippet starting at ${snippet.doc}:${snippet.line}, written to ${diagnostic.file.fileName}:${line + 1}:${character + 1})`;
}

describe('code snippets in README.md and docs/', () => {
  const snippets: Snippet[] = docFiles().flatMap((doc) =>
    extractSnippets(doc, readFileSync(join(REPO, doc), 'utf8')).map((snippet) => ({ ...snippet, file: '' })),
  );
  let dir: string;
  let diagnostics: ts.Diagnostic[] = [];
  /** A failing snippet's file is kept for a look; the folder goes when everything compiled. */
  let failed = false;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-doc-snippets-'));
    // Bare imports (`@nestjs/common` …) resolve from the repository's packages.
    symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
    snippets.forEach((snippet, index) => {
      const name = `${String(index + 1).padStart(2, '0')}-${snippet.doc.replace(/[^A-Za-z0-9]+/g, '-')}-L${snippet.line}.ts`;
      snippet.file = join(dir, name);
      writeFileSync(snippet.file, snippet.code);
    });
    const program = ts.createProgram({ rootNames: snippets.map((s) => s.file), options: compilerOptions() });
    diagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics(), ...ts.getPreEmitDiagnostics(program)];
  }, 120_000);

  afterAll(() => {
    if (dir && !failed) rmSync(dir, { recursive: true, force: true });
  });

  it('skips blocks marked as not compiled, reads indented ones, ignores other languages', () => {
    const doc = [
      '```ts',
      'const a = 1;',
      '```',
      '<!-- snippet: not compiled -->',
      '',
      '```ts',
      'fragment(',
      '```',
      '- a list item:',
      '  ```typescript',
      '  const b = 2;',
      '  ```',
      '```sh',
      'npm test',
      '```',
    ].join('\n');
    expect(extractSnippets('x.md', doc)).toEqual([
      { doc: 'x.md', line: 2, code: 'const a = 1;\n' },
      { doc: 'x.md', line: 11, code: 'const b = 2;\n' },
    ]);
  });

  it('finds the snippets', () => {
    expect(snippets.length).toBeGreaterThan(10);
    expect(snippets.some((s) => s.doc === 'README.md')).toBe(true);
  });

  it('has no errors outside the snippets (compiler options, globals)', () => {
    const general = diagnostics.filter((d) => !d.file);
    expect(general.map((d) => describeDiagnostic(d, undefined))).toEqual([]);
  });

  it.each(snippets.map((snippet) => [`${snippet.doc}:${snippet.line}`, snippet] as const))('%s compiles', (_where, snippet) => {
    const own = diagnostics.filter((d) => d.file?.fileName === snippet.file);
    const report = own.map((d) => describeDiagnostic(d, snippet));
    if (report.length === 0) return;
    failed = true;
    throw new Error(`${snippet.doc}:${snippet.line}: this snippet does not compile\n\n${report.join('\n\n')}`);
  });
});
