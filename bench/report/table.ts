import { CONTENDERS } from '../contenders';
import type { Figure, SummaryRow } from './summary';

const num = (value: number | undefined, digits = 2): string => (value === undefined ? '–' : value.toFixed(digits));
const thousands = (value: number | undefined): string =>
  value === undefined ? '–' : `${Math.round(value / 1000).toLocaleString('en-US')}k`;
const pair = (a: number | undefined, b: number | undefined, digits = 2): string =>
  a === undefined && b === undefined ? '–' : `${num(a, digits)} / ${num(b, digits)}`;

function table(header: readonly string[], rows: readonly string[][]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function arrived(row: SummaryRow): string {
  if (row.runs === 0) return '–';
  if (row.complete) return 'yes';
  const parts = [
    row.lost ? `${row.lost} lost` : '',
    row.duplicates ? `${row.duplicates} dup` : '',
    row.outOfOrder ? `${row.outOfOrder} out of order` : '',
    row.selfDeliveries ? `${row.selfDeliveries} to sender` : '',
    row.failed ? `${row.failed} runs failed` : '',
  ].filter(Boolean);
  return `NO: ${parts.join(', ') || 'stalled'}`;
}

/** The figures table of one C, in markdown. */
export function figuresTable(rows: readonly SummaryRow[]): string {
  return table(
    [
      'server',
      'deliveries/s',
      'server CPU µs/delivery',
      '+ Redis µs/delivery',
      'CPU µs/delivery, light',
      'saturated p50 / p99 ms',
      'light p50 / p99 ms',
      'cross-worker + p50 ms',
      'KiB / idle conn',
      'runs',
      'all arrived',
    ],
    rows.map((row) =>
      row.unavailable
        ? [row.label, `unavailable: ${row.unavailable}`, '', '', '', '', '', '', '', '0', '–']
        : [
            row.label,
            thousands(row.figures.deliveriesPerSecond),
            num(row.figures.cpuMicrosPerDelivery, 3),
            num(row.redisCpuMicrosPerDelivery, 3),
            num(row.figures.lightCpuMicrosPerDelivery, 2),
            pair(row.figures.saturationP50Ms, row.figures.saturationP99Ms, 1),
            pair(row.figures.lightP50Ms, row.figures.lightP99Ms, 2),
            num(row.crossWorkerAddedP50Ms, 2),
            num(row.figures.memKiBPerConnection, 1),
            `${row.runs}${row.failed ? ` (+${row.failed} failed)` : ''}`,
            arrived(row),
          ],
    ),
  );
}

const RATIO_COLUMNS: readonly [Figure, string][] = [
  ['deliveriesPerSecond', 'deliveries/s'],
  ['cpuMicrosPerDelivery', 'CPU/delivery'],
  ['lightCpuMicrosPerDelivery', 'CPU/delivery, light'],
  ['saturationP50Ms', 'sat. p50'],
  ['saturationP99Ms', 'sat. p99'],
  ['lightP50Ms', 'light p50'],
  ['lightP99Ms', 'light p99'],
  ['memKiBPerConnection', 'KiB/conn'],
];

/** Each figure over raw ws's and over the Socket.IO peer's, in markdown. */
export function ratiosTable(rows: readonly SummaryRow[]): string {
  return table(
    ['server (× raw ws / × Socket.IO)', ...RATIO_COLUMNS.map(([, title]) => title)],
    rows
      .filter((row) => !row.unavailable)
      .map((row) => [row.label, ...RATIO_COLUMNS.map(([figure]) => pair(row.ratios.ws[figure], row.ratios.socketIo[figure]))]),
  );
}

/** What a feature costs: a row's CPU per delivery and throughput over the same server's without it, measured in the same run. */
export function featureCosts(rows: readonly SummaryRow[]): string[] {
  const lines: string[] = [];
  for (const row of rows) {
    const without = CONTENDERS[row.contender].without;
    const base = without && rows.find((r) => r.contender === without.contender && r.clients === row.clients);
    if (!without || !base || row.runs === 0 || base.runs === 0) continue;
    const ratio = (figure: Figure): string => {
      const [a, b] = [row.figures[figure], base.figures[figure]];
      return a === undefined || b === undefined || b === 0 ? '–' : `× ${(a / b).toFixed(3)}`;
    };
    const [cpu, baseCpu] = [row.figures.cpuMicrosPerDelivery, base.figures.cpuMicrosPerDelivery];
    const verdict =
      without.target === undefined || cpu === undefined || baseCpu === undefined || baseCpu === 0
        ? ''
        : ` (target ≤ × ${without.target.toFixed(2)}: ${cpu / baseCpu <= without.target ? 'met' : 'NOT met'})`;
    lines.push(
      `- ${without.feature}: ${row.label} over ${base.label}: CPU/delivery ${ratio('cpuMicrosPerDelivery')}${verdict}, ` +
        `light CPU/delivery ${ratio('lightCpuMicrosPerDelivery')}, deliveries/s ${ratio('deliveriesPerSecond')}`,
    );
  }
  return lines;
}

/**
 * Redis commands per publication, from `INFO commandstats` deltas: all of
 * them; EVALSHA (the history script, once per publication); what ran
 * inside scripts or beside them (all but EVALSHA and EVAL, the heartbeat
 * script: the history script's commands, plus the heartbeats' own and
 * their probe PUBLISH); and each command.
 */
export function commandBreakdown(perPublication: Readonly<Record<string, number>>): string {
  const total = Object.values(perPublication).reduce((a, b) => a + b, 0);
  const evalsha = perPublication.evalsha ?? 0;
  const inside = total - evalsha - (perPublication.eval ?? 0);
  const each = Object.entries(perPublication)
    .filter(([, n]) => n >= 0.005)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b))
    .map(([name, n]) => `${name.toUpperCase()} ${n.toFixed(2)}`)
    .join(', ');
  return `${total.toFixed(2)} in all; EVALSHA ${evalsha.toFixed(2)}, commands run inside scripts (or beside them) ${inside.toFixed(2)}; each: ${each}`;
}

/** The Switchboard rows on Redis: their commands per publication, when a history row is in the run. */
export function redisCommandLines(rows: readonly SummaryRow[]): string[] {
  if (!rows.some((r) => CONTENDERS[r.contender].without?.feature === 'room history')) return [];
  return rows.flatMap((row) =>
    row.redisCommands
      ? [
          `- Redis commands per publication, ${row.label} (saturation phase, ${row.redisCommands.publications} publications; ` +
            `the whole Redis, heartbeats included): ${commandBreakdown(row.redisCommands.perPublication)}`,
        ]
      : [],
  );
}

/** Both tables for every C, and what each measured feature costs. */
export function report(rows: readonly SummaryRow[]): string {
  const out: string[] = [];
  for (const c of [...new Set(rows.map((r) => r.clients))]) {
    const mine = rows.filter((r) => r.clients === c);
    const costs = featureCosts(mine);
    const commands = redisCommandLines(mine);
    out.push(`### C = ${c.toLocaleString('en-US')} receivers`, '', figuresTable(mine), '', ratiosTable(mine), '');
    if (costs.length > 0) out.push(...costs, '');
    if (commands.length > 0) out.push(...commands, '');
  }
  return out.join('\n');
}
