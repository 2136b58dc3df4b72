import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, relative } from 'node:path';
import { CliError } from './cli-error';
import { CliErrorCode } from './cli-error-codes';
import type { CliOutput } from './cli-context';

/**
 * Bytes a command writes but makes only when it writes them (a packed
 * tarball), so a dry run or a refusal never pays for them.
 */
export interface ProducedContent {
  /** Where the bytes come from, shown instead of them (e.g. `packed from /path/to/checkout`). */
  readonly origin: string;
  readonly bytes: () => Buffer;
}

/** One file a command will write. */
export interface PlannedFile {
  /** Absolute path. */
  readonly path: string;
  readonly content: string | ProducedContent;
  /** `create` refuses to replace an existing file unless forced; `update` edits one the command has read. */
  readonly action: 'create' | 'update';
  /** What an update changes, shown to the user. */
  readonly note?: string;
}

/** How a plan is carried out. */
export interface ApplyOptions {
  /** Replace files that already exist. Default false. */
  readonly force?: boolean;
  /** Print what would be written and write nothing. Default false. */
  readonly dryRun?: boolean;
  /** Paths are shown relative to this folder. */
  readonly base: string;
}

/**
 * Everything a command means to write, and what it could not do itself. It is
 * built in full before anything touches the disk, so a refusal leaves no half-done work.
 */
export class FilePlan {
  readonly files: PlannedFile[] = [];
  /** Steps the user has to do by hand, each saying what to add and where. */
  readonly manualSteps: string[] = [];

  create(path: string, content: string): void {
    this.files.push({ path, content, action: 'create' });
  }

  /** A new file whose bytes are made only when the plan is written. */
  produce(path: string, content: ProducedContent): void {
    this.files.push({ path, content, action: 'create', note: content.origin });
  }

  update(path: string, content: string, note: string): void {
    this.files.push({ path, content, action: 'update', note });
  }

  manual(step: string): void {
    this.manualSteps.push(step);
  }
}

/** Writes the plan (or, with `dryRun`, prints it); refuses before writing anything if a new file exists. */
export function applyPlan(plan: FilePlan, options: ApplyOptions, output: CliOutput): void {
  const show = (path: string) => relative(options.base, path) || path;
  const existing = plan.files.filter((f) => f.action === 'create' && existsSync(f.path));
  if (existing.length > 0 && !options.force) {
    const list = existing.map((f) => `  ${show(f.path)}`).join('\n');
    throw new CliError(
      CliErrorCode.FILE_EXISTS,
      `Refusing to overwrite existing file${existing.length > 1 ? 's' : ''}:\n${list}\nNothing was written. Pass --force to overwrite.`,
    );
  }
  // Make every produced file before writing any, so a failure to make one leaves nothing half-done.
  const contents = options.dryRun ? [] : plan.files.map((f) => (typeof f.content === 'string' ? f.content : f.content.bytes()));
  plan.files.forEach((file, index) => {
    const replaced = file.action === 'create' && existsSync(file.path);
    const verb = file.action === 'update' ? 'UPDATE' : replaced ? 'OVERWRITE' : 'CREATE';
    const line = `${verb} ${show(file.path)}${file.note ? ` (${file.note})` : ''}`;
    if (options.dryRun) {
      output.out(typeof file.content === 'string' ? `${line}\n${indent(file.content)}` : line);
      return;
    }
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(file.path, contents[index]);
    output.out(line);
  });
  for (const step of plan.manualSteps) output.err(`MANUAL STEP: ${step}`);
  if (options.dryRun) output.out('Dry run: nothing was written.');
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((l) => (l === '' ? l : `    ${l}`))
    .join('\n');
}
