import { CONTENDERS, type ContenderId } from '../contenders';
import type { RunRecord } from '../run-one';

/** The figures compared across servers; each gets a ratio to raw ws and to Socket.IO. */
export const FIGURES = [
  'deliveriesPerSecond',
  'cpuMicrosPerDelivery',
  'lightCpuMicrosPerDelivery',
  'saturationP50Ms',
  'saturationP99Ms',
  'lightP50Ms',
  'lightP99Ms',
  'memKiBPerConnection',
] as const;
export type Figure = (typeof FIGURES)[number];

/** The medians of one server at one C, over its successful runs. */
export interface SummaryRow {
  readonly contender: ContenderId;
  readonly label: string;
  readonly clients: number;
  readonly runs: number;
  readonly failed: number;
  /** Why the server could not run at all (e.g. no Redis); the figures are then absent. */
  readonly unavailable?: string;
  readonly errors: readonly string[];
  readonly figures: Partial<Record<Figure, number>>;
  readonly redisCpuMicrosPerDelivery?: number;
  /**
   * Switchboard on Redis: the commands Redis ran per publication during the
   * saturation phase, by command (median over the runs), and the
   * publications of one run (median).
   */
  readonly redisCommands?: { readonly publications: number; readonly perPublication: Readonly<Record<string, number>> };
  /** Light load: p50 of receivers on another worker minus p50 of those on the publisher's worker. */
  readonly crossWorkerAddedP50Ms?: number;
  /** Receivers on a worker other than the publisher's, as a share of C (median). */
  readonly crossShare?: number;
  /** True when every run delivered everything, once, in order, and nothing to the publisher. */
  readonly complete: boolean;
  readonly lost: number;
  readonly duplicates: number;
  readonly outOfOrder: number;
  readonly selfDeliveries: number;
  /** Each figure divided by raw ws's and by the Socket.IO peer's (same C). */
  readonly ratios: { readonly ws: Partial<Record<Figure, number>>; readonly socketIo: Partial<Record<Figure, number>> };
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const defined = <T>(values: (T | undefined | null)[]): T[] => values.filter((v): v is T => v !== undefined && v !== null);

function figuresOf(run: RunRecord): Partial<Record<Figure, number>> {
  const latency = run.load?.latency;
  return {
    deliveriesPerSecond: run.deliveriesPerSecond,
    cpuMicrosPerDelivery: run.cpuMicrosPerDelivery,
    lightCpuMicrosPerDelivery: run.lightCpuMicrosPerDelivery,
    saturationP50Ms: latency?.saturation.p50 ?? undefined,
    saturationP99Ms: latency?.saturation.p99 ?? undefined,
    lightP50Ms: latency?.light.p50 ?? undefined,
    lightP99Ms: latency?.light.p99 ?? undefined,
    memKiBPerConnection: run.memKiBPerConnection,
  };
}

function crossAdded(run: RunRecord): number | undefined {
  const light = run.load?.latency.light;
  if (!light || light.crossP50 === null || light.localP50 === null) return undefined;
  return light.crossP50 - light.localP50;
}

/** Each command's calls per publication, the median over the runs that counted them (a command a run did not see counts 0 there). */
function commandsPerPublication(runs: readonly RunRecord[]): SummaryRow['redisCommands'] {
  const counted = defined(runs.map((r) => r.redisCommands)).filter((c) => c.publications > 0);
  if (counted.length === 0) return undefined;
  const names = [...new Set(counted.flatMap((c) => Object.keys(c.calls)))];
  const perPublication: Record<string, number> = {};
  for (const name of names) perPublication[name] = median(counted.map((c) => (c.calls[name] ?? 0) / c.publications))!;
  return { publications: median(counted.map((c) => c.publications))!, perPublication };
}

/** Medians per (server, C), in the order of `servers` × `clients`, with ratios filled in. */
export function summarise(
  runs: readonly RunRecord[],
  servers: readonly ContenderId[],
  clients: readonly number[],
  unavailable: Partial<Record<ContenderId, string>>,
): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const c of clients) {
    for (const id of servers) {
      const mine = runs.filter((r) => r.contender === id && r.clients === c);
      const ok = mine.filter((r) => r.error === undefined);
      const figures: Partial<Record<Figure, number>> = {};
      for (const figure of FIGURES) figures[figure] = median(defined(ok.map((r) => figuresOf(r)[figure])));
      const sum = (pick: (r: RunRecord) => number | undefined): number => ok.reduce((n, r) => n + (pick(r) ?? 0), 0);
      rows.push({
        contender: id,
        label: CONTENDERS[id].label,
        clients: c,
        runs: ok.length,
        failed: mine.length - ok.length,
        unavailable: unavailable[id],
        errors: defined(mine.map((r) => r.error)),
        figures,
        redisCpuMicrosPerDelivery: median(defined(ok.map((r) => r.redisCpuMicrosPerDelivery))),
        redisCommands: commandsPerPublication(ok),
        crossWorkerAddedP50Ms: CONTENDERS[id].workers > 1 ? median(defined(ok.map(crossAdded))) : undefined,
        crossShare: CONTENDERS[id].workers > 1 ? median(ok.map((r) => (r.load ? r.load.crossReceivers / r.clients : 0))) : undefined,
        complete: ok.length > 0 && ok.length === mine.length && ok.every((r) => r.complete === true),
        lost: sum((r) => r.lost),
        duplicates: sum((r) => r.load?.duplicates),
        outOfOrder: sum((r) => r.load?.outOfOrder),
        selfDeliveries: sum((r) => r.load?.selfDeliveries),
        ratios: { ws: {}, socketIo: {} },
      });
    }
  }
  for (const row of rows) {
    const ws = rows.find((r) => r.contender === 'ws' && r.clients === row.clients);
    const sio = rows.find((r) => r.contender === CONTENDERS[row.contender].socketIoPeer && r.clients === row.clients);
    for (const figure of FIGURES) {
      const value = row.figures[figure];
      if (value === undefined) continue;
      const ratio = (peer: SummaryRow | undefined): number | undefined => {
        const base = peer?.figures[figure];
        return base === undefined || base === 0 ? undefined : value / base;
      };
      row.ratios.ws[figure] = ratio(ws);
      row.ratios.socketIo[figure] = ratio(sio);
    }
  }
  return rows;
}
