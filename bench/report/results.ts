import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import type { ContenderId } from '../contenders';
import type { BenchOptions } from '../options';
import type { RunRecord } from '../run-one';
import type { SummaryRow } from './summary';

/** The machine a run was taken on, and how busy it was. */
export interface MachineInfo {
  readonly cpus: number;
  readonly cpuModel: string;
  readonly memoryGiB: number;
  readonly node: string;
  /** 1-minute load average when the bench started and when it ended. */
  readonly loadStart: number;
  readonly loadEnd?: number;
}

/** The JSON file a bench run writes: every run, and the medians the table shows. */
export interface BenchResults {
  readonly version: 1;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: MachineInfo;
  readonly options: BenchOptions;
  readonly unavailable: Partial<Record<ContenderId, string>>;
  readonly runs: readonly RunRecord[];
  readonly summary: readonly SummaryRow[];
}

export function machineInfo(): MachineInfo {
  return {
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    loadStart: loadavg()[0],
  };
}

/** Writes `results` to `<outDir>/bench-<time>.json`; returns the path. */
export function writeResults(outDir: string, results: BenchResults): string {
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, `bench-${results.startedAt.replace(/[:.]/g, '-')}.json`);
  writeFileSync(path, `${JSON.stringify(results, null, 2)}\n`);
  return path;
}
