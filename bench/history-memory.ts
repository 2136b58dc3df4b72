// `npm run bench -- --history-memory`: what a full room history takes
// (issue #13: 1,000 frames of about 100 bytes per room). For each
// Switchboard server with history (1 process on the memory backplane, 2
// workers on IPC, 2 workers on Redis), one warm-up room is filled first (so
// compiled code and first-use structures are in the baseline), then every
// process runs a full GC and reports its memory; 1,000 frames go to each of
// ROOMS rooms (each a history room, joined by a probe client that checks
// every offset), the GC and reading again, then 1,000 more per room (the
// history still keeps 1,000) and a third reading. Per room = the growth of
// V8 heap used + memory outside the heap (Buffers), summed over the
// processes of each kind, divided by ROOMS. On Redis it also reads
// `MEMORY USAGE` of each room's stream and meta hash, and counts the Redis
// commands per publication over the 10,000 publications.
import type { ChildProcess } from 'node:child_process';
import type { Contender } from './contenders';
import { makePayload } from './load/payload';
import type { BenchOptions } from './options';
import { switchboardProtocol } from './protocols/switchboard.protocol';
import { commandBreakdown } from './report/table';
import { BENCH_HISTORY, READY_LINE, type MemoryReport } from './servers/server-support';
import { forEachHistoryContender } from './support/history-contenders';
import { MemoryReports } from './support/memory-reports';
import { TS_HOOK, fileLimitFor, freePort, killTree, spawnNode, tail, waitForLine } from './support/processes';
import { callsBetween, commandCalls, withRedis, type BenchRedis } from './support/redis';
import { joinHistoryRoom, offsetOf, openSwitchboardClient, type SwitchboardClient } from './support/switchboard-client';

type HistoryMemoryOptions = Pick<BenchOptions, 'servers' | 'redisUrl' | 'historyFrameBytes'>;

/** Rooms measured at once: the figure per room is the growth over all of them divided by this. */
const ROOMS = 50;
/** Room names of one length, so every frame has the same envelope. */
const WARM_ROOM = 'history-memory:wu';
const room = (i: number): string => `history-memory:${String(i).padStart(2, '0')}`;
const WAIT_MS = 60_000;

/** Memory of one kind of process (all workers together), per room, in bytes. */
interface Growth {
  readonly heapUsed: number;
  readonly external: number;
}

interface MemoryRun {
  readonly label: string;
  readonly error?: string;
  /** By process kind ('1 process', 'primary', 'workers'): growth per room after 1,000 and after 2,000 frames per room. */
  readonly processes?: readonly { readonly kind: string; readonly full: Growth; readonly twice: Growth }[];
  /** Redis: MEMORY USAGE of each room's stream and meta hash, mean per room, after 1,000 and after 2,000. */
  readonly redis?: { readonly full: { stream: number; meta: number }; readonly twice: { stream: number; meta: number } };
  /** Bytes of one kept publication as Redis holds it (the stream entry's payload field). */
  readonly keptPayloadBytes?: number;
  readonly redisCommands?: { readonly publications: number; readonly perPublication: Record<string, number> };
  /** A frame as members get it, and without its `"offset":N`. */
  readonly frameBytes?: number;
  readonly frameWithOffsetBytes?: number;
}

/** A client in one history room that checks each frame's offset is the next one, and can wait for an offset. */
class Probe {
  top = 0;
  lastFrame?: Buffer;
  private waiter?: () => void;
  private failure?: string;

  constructor(
    readonly client: SwitchboardClient,
    readonly room: string,
    start: number,
  ) {
    this.top = start;
    client.steps.done();
    client.socket.on('message', (frame: Buffer) => {
      const offset = offsetOf(frame);
      if (offset === undefined) return;
      if (offset !== this.top + 1) this.failure ??= `${room}: offset ${offset} after ${this.top}`;
      this.top = offset;
      this.lastFrame = frame;
      this.waiter?.();
    });
  }

  static async open(url: string, room: string): Promise<Probe> {
    const client = await openSwitchboardClient(url, 15_000);
    const { offset } = await joinHistoryRoom(client, room);
    return new Probe(client, room, offset);
  }

  until(offset: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.room}: at offset ${this.top}, not ${offset}, after ${WAIT_MS} ms`)), WAIT_MS);
      const check = (): void => {
        if (this.failure) reject(new Error(this.failure));
        else if (this.top < offset) return;
        else resolve();
        clearTimeout(timer);
        this.waiter = undefined;
      };
      this.waiter = check;
      check();
    });
  }
}

/**
 * Sends `count` frames to each probe's room, a round (one per room) at a time,
 * each once the probes have the round before: the server refuses frames past
 * a few dozen waiting on one connection, so a publisher keeps a window.
 */
async function publish(publisher: SwitchboardClient, probes: readonly Probe[], count: number, payloadBytes?: number): Promise<void> {
  const start = probes.map((p) => p.top);
  for (let seq = 0; seq < count; seq++) {
    if (seq > 0) await Promise.all(probes.map((p, i) => p.until(start[i] + seq - 1)));
    for (const probe of probes)
      publisher.socket.send(switchboardProtocol.publishFrame(probe.room, makePayload(seq, undefined, payloadBytes)));
  }
  await Promise.all(probes.map((p, i) => p.until(start[i] + count)));
}

const kindOf = (report: MemoryReport): string =>
  report.role === 'single' ? '1 process' : report.role === 'primary' ? 'primary' : 'workers';

/** Growth per room, by kind of process, from one reading to another. */
function growth(before: readonly MemoryReport[], after: readonly MemoryReport[]): Map<string, Growth> {
  const byKind = new Map<string, Growth>();
  for (const a of after) {
    const b = before.find((r) => r.pid === a.pid);
    if (!b) continue;
    const kind = kindOf(a);
    const sum = byKind.get(kind) ?? { heapUsed: 0, external: 0 };
    byKind.set(kind, {
      heapUsed: sum.heapUsed + (a.heapUsed - b.heapUsed) / ROOMS,
      external: sum.external + (a.external - b.external) / ROOMS,
    });
  }
  return byKind;
}

async function redisUsage(url: string, prefix: string): Promise<{ stream: number; meta: number; kept: number; payload?: number }> {
  return withRedis(url, async (redis) => {
    let stream = 0;
    let meta = 0;
    let kept = 0;
    for (let i = 0; i < ROOMS; i++) {
      stream += Number(await redis.call('MEMORY', 'USAGE', `${prefix}hist:${room(i)}`, 'SAMPLES', '0'));
      meta += Number(await redis.call('MEMORY', 'USAGE', `${prefix}hist-meta:${room(i)}`, 'SAMPLES', '0'));
      kept += await redis.xlen(`${prefix}hist:${room(i)}`);
    }
    const [first] = await redis.xrangeBuffer(`${prefix}hist:${room(0)}`, '-', '+', 'COUNT', 1);
    const fields = first?.[1] ?? [];
    const payload = fields.findIndex((f, i) => i % 2 === 0 && f.toString() === 'p');
    return {
      stream: stream / ROOMS,
      meta: meta / ROOMS,
      kept: kept / ROOMS,
      payload: payload < 0 ? undefined : fields[payload + 1].length,
    };
  });
}

async function measure(contender: Contender, frameBytes: number, redis: BenchRedis | undefined, prefix: string): Promise<MemoryRun> {
  const { label } = contender;
  const port = await freePort();
  const url = `ws://127.0.0.1:${port}${switchboardProtocol.path}`;
  const rooms = [WARM_ROOM, ...Array.from({ length: ROOMS }, (_, i) => room(i))];
  let server: ChildProcess | undefined;
  const clients: SwitchboardClient[] = [];
  try {
    server = spawnNode(['--expose-gc', '-r', TS_HOOK, contender.entry], {
      files: fileLimitFor(1000),
      env: {
        ...contender.env,
        HISTORY_ROOMS: rooms.join(','),
        PORT: String(port),
        ...(redis ? { REDIS_URL: redis.url, REDIS_PREFIX: prefix } : {}),
      },
    });
    const output = tail(server);
    const memory = new MemoryReports(server);
    await waitForLine(server, READY_LINE, 60_000, output);
    const publisher = await openSwitchboardClient(url, 15_000);
    publisher.steps.done();
    clients.push(publisher);
    const [warm, ...probes] = await Promise.all(rooms.map((r) => Probe.open(url, r)));
    clients.push(...[warm, ...probes].map((p) => p.client));
    await publish(publisher, [warm], BENCH_HISTORY.size);
    // The envelope around a payload (event, sender, room): the payloads are cut so the frames are `frameBytes` long.
    const envelope = warm.lastFrame!.length - `,"offset":${warm.top}`.length - makePayload(BENCH_HISTORY.size - 1, 0).length;
    const payloadBytes = frameBytes - envelope;
    const base = await memory.snapshot();
    const callsBefore = redis && (await commandCalls(redis.url));
    await publish(publisher, probes, BENCH_HISTORY.size, payloadBytes);
    const callsAfter = redis && (await commandCalls(redis.url));
    const full = await memory.snapshot();
    const redisFull = redis && (await redisUsage(redis.url, prefix));
    await publish(publisher, probes, BENCH_HISTORY.size, payloadBytes);
    const twice = await memory.snapshot();
    const redisTwice = redis && (await redisUsage(redis.url, prefix));
    if (redisFull && redisFull.kept !== BENCH_HISTORY.size) throw new Error(`Redis keeps ${redisFull.kept} publications per room`);
    const [g1, g2] = [growth(base, full), growth(base, twice)];
    const frame = probes[0].lastFrame!;
    const withoutOffset = frame.length - `,"offset":${offsetOf(frame)}`.length;
    return {
      label,
      processes: [...g1.keys()].map((kind) => ({ kind, full: g1.get(kind)!, twice: g2.get(kind)! })),
      redis: redisFull && redisTwice ? { full: redisFull, twice: redisTwice } : undefined,
      keptPayloadBytes: redisFull?.payload,
      redisCommands:
        callsBefore && callsAfter
          ? {
              publications: ROOMS * BENCH_HISTORY.size,
              perPublication: Object.fromEntries(
                Object.entries(callsBetween(callsBefore, callsAfter)).map(([name, n]) => [name, n / (ROOMS * BENCH_HISTORY.size)]),
              ),
            }
          : undefined,
      frameBytes: withoutOffset,
      frameWithOffsetBytes: frame.length,
    };
  } catch (error) {
    return { label, error: (error as Error).message.split('\n')[0] };
  } finally {
    for (const client of clients) client.socket.terminate();
    if (server) await killTree(server, 3000);
  }
}

const kib = (bytes: number): string => (bytes / 1024).toFixed(1);

function printTable(runs: readonly MemoryRun[]): void {
  const size = BENCH_HISTORY.size.toLocaleString('en-US');
  console.log(`\n## Room history: memory of a full history (${size} frames per room), per room, over ${ROOMS} rooms\n`);
  console.log(
    `| server | held by | KiB per room, ${size} published (heap + outside) | bytes per kept frame | KiB per room, ${(2 * BENCH_HISTORY.size).toLocaleString('en-US')} published, ${size} kept (heap + outside) |`,
  );
  console.log('| --- | --- | --- | --- | --- |');
  for (const run of runs) {
    if (run.error) {
      console.log(`| ${run.label} | FAILED: ${run.error} | | | |`);
      continue;
    }
    for (const { kind, full, twice } of run.processes ?? []) {
      const [f, t] = [full.heapUsed + full.external, twice.heapUsed + twice.external];
      console.log(
        `| ${run.label} | ${kind} | ${kib(f)} (${kib(full.heapUsed)} + ${kib(full.external)}) | ${(f / BENCH_HISTORY.size).toFixed(0)} | ` +
          `${kib(t)} (${kib(twice.heapUsed)} + ${kib(twice.external)}) |`,
      );
    }
    if (run.redis) {
      const { full, twice } = run.redis;
      console.log(
        `| ${run.label} | Redis: \`MEMORY USAGE\` of \`hist:<room>\` + \`hist-meta:<room>\` | ${kib(full.stream + full.meta)} (${kib(full.stream)} + ${kib(full.meta)}) | ` +
          `${((full.stream + full.meta) / BENCH_HISTORY.size).toFixed(0)} | ${kib(twice.stream + twice.meta)} (${kib(twice.stream)} + ${kib(twice.meta)}) |`,
      );
    }
  }
  const sample = runs.find((r) => r.frameBytes !== undefined);
  const kept = runs.find((r) => r.keptPayloadBytes !== undefined)?.keptPayloadBytes;
  console.log(
    `\nA frame as members get it: ${sample?.frameBytes ?? '–'} bytes, ${sample?.frameWithOffsetBytes ?? '–'} with its "offset"; ` +
      `each kept publication is the message between nodes (header + frame)${kept === undefined ? '' : `, ${kept} bytes in Redis' stream`}. ` +
      `Growth after a full GC in every process, heap used + memory outside the heap (Buffers), per room.`,
  );
  for (const run of runs) {
    if (run.redisCommands) {
      console.log(
        `\nRedis commands per publication, ${run.label} (${run.redisCommands.publications.toLocaleString('en-US')} publications; ` +
          `the whole Redis, heartbeats included): ${commandBreakdown(run.redisCommands.perPublication)}`,
      );
    }
  }
}

/** Runs the measurement on each history server (`--servers` picks among them) and prints its table. */
export async function runHistoryMemory(options: HistoryMemoryOptions): Promise<void> {
  const prefix = `sbbench:history-memory-${process.pid}-${Date.now().toString(36)}:`;
  const runs: MemoryRun[] = await forEachHistoryContender(options.servers, options.redisUrl, prefix, (contender, redis) => {
    console.error(`history-memory: ${contender.label}`);
    return measure(contender, options.historyFrameBytes, redis, prefix);
  });
  printTable(runs);
  if (runs.some((r) => r.error)) process.exitCode = 1;
}
