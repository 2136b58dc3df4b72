// `npm run bench`: starts each server in turn in its own process tree, drives
// it with the load generator, and prints the medians with their ratios to
// raw ws and Socket.IO. See bench/README.md.
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { CONTENDERS, type ContenderId } from './contenders';
import { parseOptions, usage, type BenchOptions } from './options';
import { machineInfo, writeResults } from './report/results';
import { summarise } from './report/summary';
import { report } from './report/table';
import { runHistoryMemory } from './history-memory';
import { runNoisyNeighbour } from './noisy-neighbour';
import { runRecovery } from './recovery';
import { runSoak } from './soak';
import { runOne, type RunRecord } from './run-one';
import { benchRedis, type BenchRedis } from './support/redis';

function describe(run: RunRecord): string {
  if (run.error) return `FAILED: ${run.error.split('\n')[0]}`;
  const k = (n?: number): string => (n === undefined ? '–' : `${Math.round(n / 1000)}k`);
  const f = (n?: number, d = 2): string => (n === undefined ? '–' : n.toFixed(d));
  return [
    `${k(run.deliveriesPerSecond)} deliveries/s`,
    `${f(run.cpuMicrosPerDelivery, 3)} µs CPU/delivery`,
    `light p50 ${f(run.load?.latency.light.p50 ?? undefined)} ms`,
    `${f(run.memKiBPerConnection, 1)} KiB/conn`,
    run.complete ? 'all arrived' : `INCOMPLETE (lost ${run.lost}, dup ${run.load?.duplicates}, out of order ${run.load?.outOfOrder})`,
  ].join(', ');
}

/** Each rep runs every (C, server) once; the server order rotates per rep so none always goes first. */
function schedule(options: BenchOptions, available: readonly ContenderId[]): [number, number, ContenderId][] {
  const plan: [number, number, ContenderId][] = [];
  for (let rep = 1; rep <= options.reps; rep++) {
    const shift = (rep - 1) % Math.max(1, available.length);
    const order = [...available.slice(shift), ...available.slice(0, shift)];
    for (const c of options.clients) for (const id of order) plan.push([rep, c, id]);
  }
  return plan;
}

async function main(): Promise<void> {
  const parsed = parseOptions(process.argv.slice(2));
  if (parsed === 'help') {
    console.log(usage());
    return;
  }
  const options = parsed;
  if (options.noisy) {
    await runNoisyNeighbour();
    return;
  }
  if (options.soak) {
    await runSoak(options);
    return;
  }
  if (options.recovery) {
    await runRecovery(options);
    return;
  }
  if (options.historyMemory) {
    await runHistoryMemory(options);
    return;
  }
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  const runId = randomBytes(4).toString('hex');
  const redisPrefix = `sbbench:${runId}:`;
  const unavailable: Partial<Record<ContenderId, string>> = {};
  let redis: BenchRedis | undefined;
  if (options.servers.some((id) => CONTENDERS[id].needsRedis)) {
    const found = await benchRedis(options.redisUrl);
    if (typeof found === 'string') {
      for (const id of options.servers) if (CONTENDERS[id].needsRedis) unavailable[id] = found;
    } else {
      redis = found;
    }
  }
  const available = options.servers.filter((id) => !unavailable[id]);
  const plan = schedule(options, available);
  console.error(
    `bench: ${available.length} servers × C=${options.clients.join(',')} × ${options.reps} reps = ${plan.length} runs; ` +
      `load average ${machine.loadStart.toFixed(2)} on ${machine.cpus} cores` +
      (machine.loadStart > 1 ? ' (busy machine: figures will be noisy)' : ''),
  );
  for (const [id, reason] of Object.entries(unavailable)) console.error(`bench: ${id} unavailable: ${reason}`);

  const runs: RunRecord[] = [];
  const width = String(plan.length).length;
  for (const [i, [rep, c, id]] of plan.entries()) {
    const prefix = `[${String(i + 1).padStart(width)}/${plan.length}] rep ${rep} · C=${c} · ${CONTENDERS[id].label}`;
    const onProgress = (status: string): void => {
      if (options.progress) process.stderr.write(`\r\x1b[K${prefix}: ${status}`);
    };
    const run = await runOne(CONTENDERS[id], c, rep, { options, redis, redisPrefix, onProgress });
    runs.push(run);
    if (options.progress) process.stderr.write('\r\x1b[K');
    console.error(`${prefix}: ${describe(run)}`);
  }

  const summary = summarise(runs, options.servers, options.clients, unavailable);
  const finishedAt = new Date().toISOString();
  const path = writeResults(options.outDir, {
    version: 1,
    startedAt,
    finishedAt,
    machine: { ...machine, loadEnd: loadavg()[0] },
    options,
    unavailable,
    runs,
    summary,
  });
  await redis?.cleanUp(redisPrefix);
  console.log(
    `\n## Fan-out benchmark, ${startedAt.slice(0, 10)} (${machine.cpus} × ${machine.cpuModel}, Node ${machine.node}, load ${machine.loadStart.toFixed(2)} → ${loadavg()[0].toFixed(2)})\n`,
  );
  console.log(
    `Medians of ${options.reps} run(s). Ratios: raw ws / Socket.IO (single process; cluster rows against Socket.IO + Redis adapter).\n`,
  );
  console.log(report(summary));
  console.log(`All runs: ${path}`);
  if (runs.some((r) => r.error) || summary.some((r) => r.runs > 0 && !r.complete)) process.exitCode = 1;
}

main().catch((error: Error) => {
  console.error(`bench: ${error.message}`);
  process.exit(2);
});
