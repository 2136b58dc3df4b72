import { readFileSync, readdirSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (`getconf CLK_TCK`; 100 on Linux). */
const CLOCK_TICKS = 100;
const PAGE_BYTES = 4096;

/** The fields of /proc/<pid>/stat after the command name, which may hold spaces and parentheses. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined; // the process is gone
  }
}

/** `pid` and every live descendant of it. */
export function processTree(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    const child = Number(entry);
    if (!Number.isInteger(child)) continue;
    const fields = statFields(child);
    if (!fields) continue;
    const parent = Number(fields[1]);
    let list = children.get(parent);
    if (!list) children.set(parent, (list = []));
    list.push(child);
  }
  const tree: number[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const next = queue.shift()!;
    if (!statFields(next)) continue;
    tree.push(next);
    queue.push(...(children.get(next) ?? []));
  }
  return tree;
}

/** CPU time of a set of processes, in microseconds (10 ms resolution per process). */
export interface CpuTime {
  readonly user: number;
  readonly system: number;
}

/** User and system CPU time the processes used so far. */
export function cpuTime(pids: readonly number[]): CpuTime {
  let user = 0;
  let system = 0;
  for (const pid of pids) {
    const fields = statFields(pid);
    if (!fields) continue;
    // utime and stime are fields 14 and 15 of the whole line; 12 and 13 after the name.
    user += Number(fields[11]);
    system += Number(fields[12]);
  }
  return { user: (user * 1e6) / CLOCK_TICKS, system: (system * 1e6) / CLOCK_TICKS };
}

/** Resident memory of the processes, in KiB. */
export function rssKiB(pids: readonly number[]): number {
  let pages = 0;
  for (const pid of pids) {
    try {
      pages += Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]);
    } catch {
      // gone
    }
  }
  return (pages * PAGE_BYTES) / 1024;
}
