// The one way the tests start child processes: `RunningProcess` for one that
// serves while the test talks to it (a cluster, an app, a redis-server), and
// `runNode()` / `runNpm()` for one that runs to completion.
import { spawn, type ChildProcess } from 'node:child_process';
import { basename } from 'node:path';
import { REPO } from './repo';
import { describeWait, within, type WaitDescription } from './wait';
import { Waiters } from './waiters';

/** `node` flags that compile TypeScript on load, decorator metadata included, as jest's swc transform does. */
export const TS_NODE = ['-r', '@swc-node/register'] as const;

/** How a process ended. */
export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** What a finished process printed and how it ended. */
export interface ProcessResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment for child processes: without the variables that make a child think it is a Jest worker. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env.JEST_WORKER_ID;
  return env;
}

/** `env` without npm_* variables: inherited from the `npm test` running us, they would steer a child's npm. */
export function withoutNpmConfig(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
}

/** Where and how a child process runs. */
export interface ProcessOptions {
  /** Default: the repository root. */
  readonly cwd?: string;
  /** Default: `childEnv()`. */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * A process group of its own: `signal()` reaches every process under it
   * (npm, the shell it starts, the node processes under them), and `stop()`
   * waits until every one of them has exited.
   */
  readonly group?: boolean;
}

/**
 * A child process with its stdout and stderr piped and kept: what it printed
 * so far, waits on that output bounded and failing as soon as the process is
 * gone, and a stop that escalates from SIGTERM to SIGKILL.
 */
export class RunningProcess {
  readonly child: ChildProcess;
  /** Resolves when the process exits (or could not be started: code and signal null). */
  readonly exited: Promise<ProcessExit>;
  /**
   * Resolves once the process exited and every process that shared its pipes
   * (cluster workers, the members of its group) has let go of them: nothing
   * more will be printed.
   */
  readonly closed: Promise<ProcessExit>;
  /** `"node dist/main.js"`: the process in failure messages. */
  readonly label: string;
  private out = '';
  private err = '';
  private partialLine = '';
  private readonly lineListeners: ((line: string) => void)[] = [];
  private readonly changes = new Waiters();
  private isClosed = false;
  private spawnError: Error | undefined;

  constructor(
    command: string,
    args: readonly string[],
    private readonly options: ProcessOptions = {},
  ) {
    const shown = [basename(command), ...args].join(' ');
    this.label = `"${shown.length > 120 ? `${shown.slice(0, 117)}...` : shown}"`;
    this.child = spawn(command, args, {
      cwd: options.cwd ?? REPO,
      env: options.env ?? childEnv(),
      detached: options.group ?? false,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.out += chunk;
      const lines = (this.partialLine + chunk).split('\n');
      this.partialLine = lines.pop() ?? '';
      for (const line of lines) for (const listener of this.lineListeners) listener(line);
      this.changes.wake();
    });
    this.child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      this.err += chunk;
      this.changes.wake();
    });
    this.exited = new Promise((resolve) => {
      this.child.once('exit', (code, signal) => {
        resolve({ code, signal });
        this.changes.wake();
      });
      // Also emitted when a signal cannot be sent, which changes nothing here.
      this.child.on('error', (error) => {
        if (this.child.pid !== undefined) return;
        this.spawnError ??= error;
        resolve({ code: null, signal: null });
      });
    });
    this.closed = new Promise((resolve) =>
      this.child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
        this.isClosed = true;
        resolve({ code, signal });
        this.changes.wake();
      }),
    );
  }

  get pid(): number {
    return this.child.pid!;
  }

  get stdout(): string {
    return this.out;
  }

  get stderr(): string {
    return this.err;
  }

  /** All it printed: stdout, then stderr. */
  output(): string {
    return `${this.out}${this.err}`;
  }

  /** Neither exited nor failed to start. */
  get running(): boolean {
    return !this.spawnError && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** `running as pid 42`, `exited with code 1`, `killed by SIGKILL`, or why it could not start. */
  state(): string {
    if (this.spawnError) return `could not be started (${this.spawnError.message})`;
    if (this.child.exitCode !== null) return `exited with code ${this.child.exitCode}`;
    if (this.child.signalCode !== null) return `killed by ${this.child.signalCode}`;
    return `running as pid ${this.child.pid}`;
  }

  /** Calls `listener` with each complete line of stdout from now on, before any wait looks at it. */
  onStdoutLine(listener: (line: string) => void): void {
    this.lineListeners.push(listener);
  }

  /**
   * Resolves with the first value other than `undefined` that `find` returns,
   * looking again after each chunk of output; fails once the process is gone
   * and has printed all it will, or after `ms`, with what it printed.
   */
  until<T>(find: () => T | undefined, ms: number, what: WaitDescription): Promise<T> {
    return this.changes.until(
      find,
      ms,
      () => `${describeWait(what)}; ${this.label} ${this.state()}, output so far:\n${this.output()}`,
      () => (this.isClosed ? `${this.label} ${this.state()} before ${describeWait(what)}; its output:\n${this.output()}` : undefined),
    );
  }

  /** The first match of `pattern` in the output, once there is one (see `until`). */
  waitForOutput(pattern: RegExp, ms: number, what: WaitDescription = `output that matches ${pattern}`): Promise<RegExpExecArray> {
    return this.until(() => pattern.exec(this.output()) ?? undefined, ms, what);
  }

  /** Sends `name` to the process (to its whole group with `group`); nothing when it is gone. */
  signal(name: NodeJS.Signals): void {
    if (!this.options.group) {
      this.child.kill(name);
      return;
    }
    try {
      process.kill(-this.pid, name);
    } catch {
      // The group is gone already.
    }
  }

  /** SIGKILL: the last resort of a test that failed half-way. */
  kill(): void {
    this.signal('SIGKILL');
  }

  /**
   * SIGTERM, then waits up to `ms` for the process (with `group`, every
   * process of the group) to exit; SIGKILL for anything left, and a timeout
   * fails with the output.
   */
  async stop(ms = 8000): Promise<ProcessExit> {
    if (!this.options.group && !this.running) return this.exited;
    this.signal('SIGTERM');
    try {
      return await within(
        this.options.group ? this.closed : this.exited,
        ms,
        () => `${this.label} to exit after SIGTERM; its output:\n${this.output()}`,
      );
    } finally {
      this.kill();
    }
  }

  /** Waits up to `ms` for the process to finish and print all it will; SIGKILL and a failure with its output past that. */
  async finish(ms: number): Promise<ProcessResult> {
    const { code } = await within(this.closed, ms, `${this.label} in ${this.options.cwd ?? REPO} to finish`).catch((error: Error) => {
      this.kill();
      throw new Error(`${error.message}\nstdout:\n${this.out}\nstderr:\n${this.err}`);
    });
    if (this.spawnError) throw this.spawnError;
    return { code, stdout: this.out, stderr: this.err };
  }
}

/** Starts `node <args>`; see `RunningProcess`. */
export function startNode(args: readonly string[], options: ProcessOptions = {}): RunningProcess {
  return new RunningProcess(process.execPath, args, options);
}

/** Runs `node <args>` to completion; a process still running after `ms` is killed and the wait fails, showing its output. */
export function runNode(args: readonly string[], cwd: string, ms: number, env = childEnv()): Promise<ProcessResult> {
  return startNode(args, { cwd, env }).finish(ms);
}

/**
 * Runs `npm <args>` to completion, failing with its output when it exits
 * non-zero or outlives `ms`. Inherited npm_* variables would steer a scratch
 * app's install, so they are dropped.
 */
export async function runNpm(args: readonly string[], cwd: string, ms: number): Promise<ProcessResult> {
  const result = await new RunningProcess('npm', args, { cwd, env: withoutNpmConfig(childEnv()) }).finish(ms);
  if (result.code !== 0)
    throw new Error(`npm ${args.join(' ')} in ${cwd} exited with ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
  return result;
}
