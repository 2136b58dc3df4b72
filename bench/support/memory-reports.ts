import type { ChildProcess } from 'node:child_process';
import { processTree } from '../proc/process-tree';
import { MEMORY_LINE, type MemoryReport } from '../servers/server-support';
import { signalTree } from './processes';

/**
 * Reads what every process of a bench server's tree holds after a full GC:
 * SIGUSR2 to each (the server must run with --expose-gc), then the
 * `@@memory` line each prints on the (shared) stdout.
 */
export class MemoryReports {
  private readonly reports = new Map<number, MemoryReport>();

  constructor(private readonly server: ChildProcess) {
    let partial = '';
    server.stdout?.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (!line.startsWith(MEMORY_LINE)) continue;
        const report = JSON.parse(line.slice(MEMORY_LINE.length)) as MemoryReport;
        this.reports.set(report.pid, report);
      }
    });
  }

  /** Every process of the tree, after a full GC, in tree order. */
  async snapshot(timeoutMs = 10_000): Promise<MemoryReport[]> {
    const pids = processTree(this.server.pid!);
    for (const pid of pids) this.reports.delete(pid);
    signalTree(pids, 'SIGUSR2');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const missing = pids.filter((pid) => !this.reports.has(pid));
      if (missing.length === 0) return pids.map((pid) => this.reports.get(pid)!);
      if (Date.now() > deadline) throw new Error(`no memory report from processes ${missing.join(', ')} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}
