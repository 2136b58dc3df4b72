/**
 * What every bench server does the same way, so the orchestrator can drive
 * any of them: listen on `PORT` at 127.0.0.1, say `@@ready` on stdout once
 * it serves, and run a full GC on SIGUSR2 (the orchestrator sends it to every
 * process of the tree before reading resident memory).
 */

/** The line a server prints once it accepts connections. */
export const READY_LINE = '@@ready';

/** The port the orchestrator chose for this server. */
export function benchPort(): number {
  const port = Number(process.env.PORT);
  if (!Number.isInteger(port) || port <= 0) throw new Error('bench server: set PORT to the port to listen on');
  return port;
}

/** The loopback address every bench server listens on. */
export const BENCH_HOST = '127.0.0.1';

/** The room the load generator's receivers join and its publisher sends to. */
export const BENCH_ROOM = 'bench-room';

/** How much a history room of the Switchboard bench server keeps (`HISTORY_ROOMS`): the (#13) example, and the defaults. */
export const BENCH_HISTORY = { size: 1000, ttl: 300_000 } as const;

/** What a server process prints after the GC that SIGUSR2 asks for (the soak scenario reads it). */
export const MEMORY_LINE = '@@memory ';

/** One process's memory after a full GC, in bytes, as `process.memoryUsage()` gives it. */
export interface MemoryReport {
  readonly pid: number;
  readonly role: 'primary' | 'worker' | 'single';
  readonly rss: number;
  /** V8 heap the process holds (committed), used or not. */
  readonly heapTotal: number;
  readonly heapUsed: number;
  readonly external: number;
  readonly arrayBuffers: number;
}

/**
 * Makes SIGUSR2 run a full GC (the process must run with --expose-gc) and
 * print `@@memory {…}` with what the process holds after it.
 */
export function collectGarbageOnSignal(role: () => MemoryReport['role'] = () => 'single'): void {
  process.on('SIGUSR2', () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const { rss, heapTotal, heapUsed, external, arrayBuffers } = process.memoryUsage();
    const report: MemoryReport = { pid: process.pid, role: role(), rss, heapTotal, heapUsed, external, arrayBuffers };
    process.stdout.write(`${MEMORY_LINE}${JSON.stringify(report)}\n`);
  });
}

/** Tells the orchestrator the server accepts connections. */
export function announceReady(): void {
  process.stdout.write(`${READY_LINE}\n`);
}

/** Exits on SIGTERM without ceremony: the bench only needs the port freed. */
export function exitOnTerm(): void {
  process.on('SIGTERM', () => process.exit(0));
}
