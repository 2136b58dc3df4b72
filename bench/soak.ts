// `npm run bench -- --soak`: does memory stay bounded over many connections
// and messages? Switchboard runs as a cluster of 2 workers on the cluster IPC
// backplane. A warm-up round, then `--soak-rounds` rounds, each of
// `--soak-cycles` connection cycles (connect, join a room, publish to the
// listeners' room, close; 25 at a time) and `--soak-deliveries` room messages
// delivered to 40 listeners spread over both workers. After each round every
// process runs a full GC and reports its memory; the table shows RSS, V8 heap
// and the memory outside the heap (Buffers and other native allocations).
// Growth that stops after the first rounds is the allocator keeping pages it
// has used (bounded); growth that goes on round after round is a leak.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import type { BenchOptions } from './options';
import { processTree } from './proc/process-tree';
import { MEMORY_LINE, READY_LINE, type MemoryReport } from './servers/server-support';
import { TS_HOOK, fileLimitFor, freePort, killTree, signalTree, spawnNode, tail, waitForLine } from './support/processes';

const SERVER = join(__dirname, 'servers', 'switchboard.server.ts');
const LISTENERS = 40;
const CONCURRENT_CYCLES = 25;
const PUBLISH_BATCH = 200;
const WAIT_MS = 30_000;

type SoakOptions = Pick<BenchOptions, 'soakCycles' | 'soakDeliveries' | 'soakRounds'>;

/** A bounded wait whose message is built when it fails, so it shows how far things got. */
function within<T>(promise: Promise<T>, ms: number, what: () => string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what()}: not done within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A client socket and the frames it received, with a way to wait for one. */
class Client {
  readonly frames: { event?: string; id?: unknown }[] = [];
  private waiters: (() => void)[] = [];
  readonly closed: Promise<void>;
  /** How the server closed it, once it did. */
  closedWith?: string;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      this.frames.push(JSON.parse(data.toString()) as { event?: string; id?: unknown });
      this.waiters.splice(0).forEach((wake) => wake());
    });
    this.closed = new Promise((resolve) =>
      socket.once('close', (code: number, reason: Buffer) => {
        this.closedWith = `${code} ${reason.toString()}`.trim();
        this.waiters.splice(0).forEach((wake) => wake());
        resolve();
      }),
    );
  }

  static async open(url: string): Promise<Client> {
    const client = new Client(new WebSocket(url));
    await within(
      new Promise<void>((resolve, reject) => {
        client.socket.once('error', reject);
        client.until(() => client.frames.some((f) => f.event === 'connected')).then(resolve, reject);
      }),
      WAIT_MS,
      () => `the connected frame from ${url}`,
    );
    return client;
  }

  /** Resolves once `done()` holds; checked after every frame. */
  until(done: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => (done() ? resolve() : void this.waiters.push(check));
      check();
    });
  }

  async request(frame: { event: string; message: unknown; id: string }): Promise<void> {
    this.socket.send(JSON.stringify(frame));
    await within(
      this.until(() => this.frames.some((f) => f.id === frame.id)),
      WAIT_MS,
      () => `the answer to ${frame.event} ${frame.id}`,
    );
  }

  count(event: string): number {
    return this.frames.reduce((n, f) => (f.event === event ? n + 1 : n), 0);
  }
}

/** The listeners in room `soak`, and how many messages each should have by now. */
class Listeners {
  expected = 0;
  constructor(readonly clients: readonly Client[]) {}

  async caughtUp(): Promise<void> {
    const lagging = (): string => {
      const closed = this.clients.flatMap((c, i) => (c.closedWith === undefined ? [] : [`listener ${i} closed: ${c.closedWith}`]));
      const behind = this.clients.flatMap((c, i) => (c.count('m') < this.expected ? [`${i}: ${c.count('m')}`] : []));
      return (
        `listeners catching up to ${this.expected} messages (${behind.length} behind, listener: count ${behind.slice(0, 10).join(', ')}` +
        `${closed.length ? `; ${closed.join(', ')}` : ''})`
      );
    };
    await within(Promise.all(this.clients.map((c) => c.until(() => c.count('m') >= this.expected))), WAIT_MS, lagging);
  }
}

/** One connection cycle: connect, join a room, publish to the listeners' room, close. */
async function cycle(url: string, n: number): Promise<void> {
  const client = await Client.open(url);
  await client.request({ event: 'joinRoom', message: `soak:${n % 100}`, id: `j${n}` });
  client.socket.send(JSON.stringify({ event: 'pub', message: { room: 'soak', payload: { cycle: n } } }));
  client.socket.close();
  await within(client.closed, WAIT_MS, () => `cycle ${n} to close`);
}

async function cycles(url: string, count: number, listeners: Listeners): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) await cycle(url, next++);
  };
  await Promise.all(Array.from({ length: CONCURRENT_CYCLES }, lane));
  listeners.expected += count;
  await listeners.caughtUp();
}

async function deliveries(publisher: Client, count: number, listeners: Listeners): Promise<void> {
  const publishes = Math.ceil(count / listeners.clients.length);
  for (let sent = 0; sent < publishes;) {
    const batch = Math.min(PUBLISH_BATCH, publishes - sent);
    for (let i = 0; i < batch; i++) {
      publisher.socket.send(JSON.stringify({ event: 'pub', message: { room: 'soak', payload: { n: sent + i, text: 'x'.repeat(100) } } }));
    }
    sent += batch;
    listeners.expected += batch;
    await listeners.caughtUp();
  }
}

/** Every server process runs a full GC and reports its memory. */
async function snapshot(server: ChildProcess, reports: Map<number, MemoryReport>): Promise<MemoryReport[]> {
  const pids = processTree(server.pid!);
  for (const pid of pids) reports.delete(pid);
  signalTree(pids, 'SIGUSR2');
  const missing = (): number[] => pids.filter((pid) => !reports.has(pid));
  await within(
    new Promise<void>((resolve) => {
      const check = (): void => (missing().length === 0 ? resolve() : void setTimeout(check, 20));
      check();
    }),
    10_000,
    () => `memory reports of processes ${missing().join(', ')}`,
  );
  return pids.map((pid) => reports.get(pid)!);
}

const mib = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

function printTable(labels: readonly string[], snapshots: readonly MemoryReport[][]): void {
  const pids = snapshots[0].map((r) => r.pid);
  const name = (r: MemoryReport, i: number): string => (r.role === 'primary' ? 'primary' : `worker ${i}`);
  console.log('\n## Soak: memory after a full GC, 2 workers on the cluster IPC backplane (MiB)\n');
  console.log(`| process | figure | ${labels.join(' | ')} |`);
  console.log(`| --- | --- | ${labels.map(() => '---').join(' | ')} |`);
  pids.forEach((pid, i) => {
    const of = (pick: (r: MemoryReport) => number): string => snapshots.map((s) => mib(pick(s.find((r) => r.pid === pid)!))).join(' | ');
    const who = name(snapshots[0][i], i);
    console.log(`| ${who} | RSS | ${of((r) => r.rss)} |`);
    console.log(`| ${who} | V8 heap held | ${of((r) => r.heapTotal)} |`);
    console.log(`| ${who} | V8 heap used | ${of((r) => r.heapUsed)} |`);
    console.log(`| ${who} | outside the heap (external) | ${of((r) => r.external)} |`);
    // What RSS holds beyond both: code, stacks, and what the C allocator keeps after Buffers and sockets are freed.
    console.log(`| ${who} | rest of RSS | ${of((r) => r.rss - r.heapTotal - r.external)} |`);
  });
}

/** Runs the soak against a fresh 2-worker cluster and prints its table. */
export async function runSoak(options: SoakOptions): Promise<void> {
  const port = await freePort();
  const url = `ws://127.0.0.1:${port}/ws`;
  const reports = new Map<number, MemoryReport>();
  const server = spawnNode(['--expose-gc', '-r', TS_HOOK, SERVER], {
    files: fileLimitFor(1000),
    env: { PORT: String(port), BACKPLANE: 'ipc', WORKERS: '2' },
  });
  try {
    const output = tail(server);
    server.stdout?.on('data', (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) {
        if (!line.startsWith(MEMORY_LINE)) continue;
        const report = JSON.parse(line.slice(MEMORY_LINE.length)) as MemoryReport;
        reports.set(report.pid, report);
      }
    });
    await waitForLine(server, READY_LINE, 60_000, output);
    const clients: Client[] = [];
    for (let i = 0; i < LISTENERS; i++) {
      const client = await Client.open(url);
      await client.request({ event: 'joinRoom', message: 'soak', id: 'join' });
      clients.push(client);
    }
    const listeners = new Listeners(clients);
    const publisher = await Client.open(url);
    const labels: string[] = [];
    const snapshots: MemoryReport[][] = [];
    const round = async (label: string, cycleCount: number, deliveryCount: number): Promise<void> => {
      const started = performance.now();
      await cycles(url, cycleCount, listeners);
      await deliveries(publisher, deliveryCount, listeners);
      snapshots.push(await snapshot(server, reports));
      labels.push(label);
      console.error(`soak: ${label} done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    };
    await round('after warm-up', Math.ceil(options.soakCycles / 10), Math.ceil(options.soakDeliveries / 10));
    for (let r = 1; r <= options.soakRounds; r++) await round(`after round ${r}`, options.soakCycles, options.soakDeliveries);
    printTable(labels, snapshots);
    console.log(
      `\nEach round: ${options.soakCycles} connect/join/publish/close cycles, ${listeners.clients.length} listeners, ` +
        `${options.soakDeliveries} room messages delivered; ${listeners.expected * LISTENERS} delivered in all, none missing.`,
    );
    for (const client of [...clients, publisher]) client.socket.close();
  } finally {
    await killTree(server, 3000);
  }
}
