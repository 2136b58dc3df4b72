import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { processTree } from '../proc/process-tree';

/**
 * The require hook every bench process runs with: compiles bench/ and src/ on
 * load with swc, decorator metadata included (Nest's DI needs it).
 */
export const TS_HOOK = '@swc-node/register';

/** Open-file limits of this process: soft and hard. */
export function fileLimits(): { soft: number; hard: number } {
  const line = readFileSync('/proc/self/limits', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('Max open files'));
  const [soft, hard] = (line ?? '')
    .split(/\s+/)
    .slice(3, 5)
    .map((v) => (v === 'unlimited' ? Infinity : Number(v)));
  return { soft: soft || 1024, hard: hard || 1024 };
}

/**
 * The open-file limit to give child processes that each hold `needed` sockets:
 * raised up to the hard limit (a process may do that itself), or an error
 * saying what to change when even the hard limit is too low.
 */
export function fileLimitFor(needed: number): number {
  const { soft, hard } = fileLimits();
  if (needed <= soft) return soft;
  if (needed <= hard) return hard === Infinity ? needed : hard;
  throw new Error(
    `the bench needs ${needed} open files per process but the hard limit (ulimit -Hn) is ${hard}; ` +
      'raise it (e.g. in /etc/security/limits.conf, or `ulimit -Hn` as root) or run with fewer --clients',
  );
}

/**
 * Starts `node <args>` with the open-file limit raised to `files` (through
 * `sh -c 'ulimit -n … && exec node …'`, so the child keeps the shell's pid).
 */
export function spawnNode(args: readonly string[], options: { files: number; env?: NodeJS.ProcessEnv; ipc?: boolean }): ChildProcess {
  return spawn('/bin/sh', ['-c', `ulimit -n ${options.files} && exec "$0" "$@"`, process.execPath, ...args], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe', ...(options.ipc ? (['ipc'] as const) : [])],
  });
}

/** Keeps the last lines a child wrote (and drains the pipe, so the child never blocks on it). */
export function tail(child: ChildProcess, lines = 20): () => string {
  const kept: string[] = [];
  const keep = (chunk: Buffer): void => {
    kept.push(...chunk.toString().split('\n').filter(Boolean));
    if (kept.length > lines) kept.splice(0, kept.length - lines);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return () => kept.join('\n');
}

/** Resolves when the child prints `line`; rejects when it exits first or `timeoutMs` passes. */
export function waitForLine(child: ChildProcess, line: string, timeoutMs: number, output: () => string): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const cleanup = (): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.off('exit', onExit);
    };
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString();
      if (buffered.split('\n').some((l) => l.trim() === line)) {
        cleanup();
        resolve();
      }
    };
    const onExit = (code: number | null, signal: string | null): void => {
      cleanup();
      reject(new Error(`exited (${signal ?? `code ${code}`}) before printing ${line}:\n${output()}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`did not print ${line} within ${timeoutMs} ms:\n${output()}`));
    }, timeoutMs);
    child.stdout?.on('data', onData);
    child.once('exit', onExit);
  });
}

/** SIGTERM to the root, then SIGKILL to whatever of its tree is left after `graceMs`. */
export async function killTree(child: ChildProcess, graceMs = 3000): Promise<void> {
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const tree = processTree(pid);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)))]);
  clearTimeout(timer);
  for (const p of tree) {
    try {
      process.kill(p, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Sends `signal` to every process of a tree. */
export function signalTree(pids: readonly number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // gone
    }
  }
}

/** A free TCP port on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
