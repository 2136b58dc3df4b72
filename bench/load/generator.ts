// The load generator: a process of its own, started by the orchestrator for
// one run against one server. Its main thread holds the publisher; worker
// threads hold the receivers. It waits for the orchestrator's `next` between
// phases, so the orchestrator can read the server's memory and CPU at the
// edges of each phase.
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { WebSocket } from 'ws';
import { protocolOf } from '../protocols';
import type { GeneratorCommand, GeneratorEvent, LatencySummary, LoadResult, PhaseCounts } from './generator-messages';
import { mergeInto, newHistogram, countOf, quantile } from './histogram';
import { phaseStarts, type LoadConfig, type Phase, type ThreadCommand, type ThreadMessage, type ThreadReport } from './load-config';
import { makePayload, readDelivery, type Delivery } from './payload';

function emit(event: GeneratorEvent): void {
  process.send?.(event);
}

let nextStep: (() => void) | undefined;
/** Resolves when the orchestrator says `next`. */
function orchestratorSaysNext(): Promise<void> {
  return new Promise((resolve) => (nextStep = resolve));
}

class ReceiverThreads {
  private readonly workers: Worker[] = [];
  private readonly doneCount: Uint8Array;
  private onComplete: (seq: number) => void = () => undefined;
  private waiting = new Map<ThreadMessage['type'], { left: number; results: ThreadMessage[]; resolve: (m: ThreadMessage[]) => void }>();
  private failure?: (error: Error) => void;
  connected = 0;

  constructor(private readonly config: LoadConfig) {
    this.doneCount = new Uint8Array(phaseStarts(config)[3]);
    const threads = Math.max(1, Math.min(config.threads, config.receivers));
    let first = 0;
    for (let t = 0; t < threads; t++) {
      const count = Math.floor(config.receivers / threads) + (t < config.receivers % threads ? 1 : 0);
      const worker = new Worker(join(__dirname, 'receiver-thread.js'), { workerData: { config, firstIndex: first, count } });
      worker.on('message', (message: ThreadMessage) => this.onMessage(message));
      worker.on('error', (error) => this.failure?.(error));
      this.workers.push(worker);
      first += count;
    }
  }

  /** Calls `listener` with each message every receiver got. */
  whenComplete(listener: (seq: number) => void): void {
    this.onComplete = listener;
  }

  /** Sends `command` to every thread and collects one `reply` from each. */
  ask(command: ThreadCommand, reply: ThreadMessage['type']): Promise<ThreadMessage[]> {
    return new Promise((resolve, reject) => {
      this.failure = reject;
      this.waiting.set(reply, { left: this.workers.length, results: [], resolve });
      for (const worker of this.workers) worker.postMessage(command);
    });
  }

  async terminate(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private onMessage(message: ThreadMessage): void {
    if (message.type === 'done') {
      for (const seq of message.seqs) if (++this.doneCount[seq] === this.workers.length) this.onComplete(seq);
      return;
    }
    if (message.type === 'connected') {
      this.connected += message.count;
      return;
    }
    if (message.type === 'failed') return this.failure?.(new Error(message.error));
    const wait = this.waiting.get(message.type);
    if (!wait) return;
    wait.results.push(message);
    if (--wait.left === 0) {
      this.waiting.delete(message.type);
      wait.resolve(wait.results);
    }
  }
}

async function run(config: LoadConfig): Promise<LoadResult> {
  const protocol = protocolOf(config.protocol);
  const starts = phaseStarts(config);
  let phase: Phase | 'connect' = 'connect';
  let progress = 0;
  let progressTotal = config.receivers;
  const threads = new ReceiverThreads(config);
  const ticker = setInterval(() => {
    emit({ type: 'progress', phase, done: phase === 'connect' ? threads.connected : progress, total: progressTotal });
  }, 500);
  ticker.unref();

  const connectStarted = Date.now();
  const publisher = new WebSocket(`${config.origin}${protocol.path}`, {
    perMessageDeflate: false,
    handshakeTimeout: config.handshakeTimeoutMs,
    localAddress: '127.0.0.1',
  });
  publisher.on('error', () => undefined);
  const publisherNode = await protocol.join(publisher, config.room, config.handshakeTimeoutMs);
  let selfDeliveries = 0;
  const found: Delivery = { seq: 0, sentUs: 0 };
  publisher.on('message', (data: Buffer) => {
    if (readDelivery(data, found)) selfDeliveries++;
    else protocol.control(publisher, data);
  });
  const joined = await threads.ask({ type: 'connect', publisherNode }, 'joined');
  const connectMs = Date.now() - connectStarted;
  const nodes: Record<string, number> = {};
  for (const message of joined) {
    if (message.type !== 'joined') continue;
    for (const [node, n] of Object.entries(message.nodes)) nodes[node] = (nodes[node] ?? 0) + n;
  }
  emit({ type: 'joined', nodes, publisherNode });
  await orchestratorSaysNext();

  let onComplete: (seq: number) => void = () => undefined;
  threads.whenComplete((seq) => onComplete(seq));
  const send = (seq: number): void => publisher.send(protocol.publishFrame(config.room, makePayload(seq)));

  /** Keeps `window` messages in flight over [from, to); resolves when all completed or the phase stalled. */
  const windowed = (from: number, to: number): Promise<PhaseCounts & { elapsedMs: number }> =>
    new Promise((resolve) => {
      const started = performance.now();
      let next = from;
      let inFlight = 0;
      let done = 0;
      let lastProgress = started;
      const finish = (stalled: boolean): void => {
        clearInterval(watchdog);
        onComplete = () => undefined;
        resolve({ sent: next - from, delivered: 0, stalled, elapsedMs: performance.now() - started });
      };
      const pump = (): void => {
        while (inFlight < config.window && next < to) {
          inFlight++;
          send(next++);
        }
      };
      const watchdog = setInterval(() => {
        if (performance.now() - lastProgress > config.stallTimeoutMs) finish(true);
      }, 250);
      onComplete = () => {
        inFlight--;
        progress = ++done;
        lastProgress = performance.now();
        if (done === to - from) return finish(false);
        pump();
      };
      if (from === to) return finish(false);
      pump();
    });

  /** One message at a time, at least `lightIntervalMs` apart. */
  const paced = async (from: number, to: number): Promise<PhaseCounts> => {
    for (let seq = from; seq < to; seq++) {
      const sentAt = performance.now();
      const completed = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), config.stallTimeoutMs);
        onComplete = () => {
          clearTimeout(timer);
          resolve(true);
        };
      });
      send(seq);
      if (!(await completed)) return { sent: seq - from + 1, delivered: 0, stalled: true };
      progress = seq - from + 1;
      const rest = config.lightIntervalMs - (performance.now() - sentAt);
      if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
    }
    return { sent: to - from, delivered: 0, stalled: false };
  };

  phase = 'warmup';
  progress = 0;
  progressTotal = starts[1] - starts[0];
  const warm = await windowed(starts[0], starts[1]);
  emit({ type: 'warmed' });
  await orchestratorSaysNext();

  let saturation: PhaseCounts & { elapsedMs: number } = { sent: 0, delivered: 0, stalled: true, elapsedMs: 0 };
  let light: PhaseCounts = { sent: 0, delivered: 0, stalled: true };
  if (!warm.stalled) {
    phase = 'saturation';
    progress = 0;
    progressTotal = starts[2] - starts[1];
    saturation = await windowed(starts[1], starts[2]);
  }
  emit({ type: 'saturated' });
  await orchestratorSaysNext();
  if (!warm.stalled && !saturation.stalled) {
    phase = 'light';
    progress = 0;
    progressTotal = starts[3] - starts[2];
    light = await paced(starts[2], starts[3]);
  }
  clearInterval(ticker);
  emit({ type: 'paced' });
  await orchestratorSaysNext();

  const reports = (await threads.ask({ type: 'report' }, 'report')).flatMap((m) => (m.type === 'report' ? [m.report] : []));
  await threads.ask({ type: 'close' }, 'closed');
  publisher.close();
  await threads.terminate();

  const sum = (pick: (r: ThreadReport) => number): number => reports.reduce((n, r) => n + pick(r), 0);
  const counts = (p: PhaseCounts, i: 0 | 1 | 2): PhaseCounts => ({ ...p, delivered: sum((r) => r.unique[i]) });
  return {
    receivers: config.receivers,
    nodes,
    publisherNode,
    crossReceivers: config.receivers - (nodes[publisherNode] ?? 0),
    connectMs,
    phases: {
      warmup: counts(warm, 0),
      saturation: counts(saturation, 1),
      light: counts(light, 2),
    },
    saturationMs: saturation.elapsedMs,
    duplicates: sum((r) => r.duplicates),
    outOfOrder: sum((r) => r.outOfOrder),
    selfDeliveries,
    latency: {
      saturation: summarise(reports.map((r) => r.latency.saturation)),
      light: summarise(reports.map((r) => r.latency.light)),
    },
  };
}

function summarise(parts: { local: Float64Array; cross: Float64Array }[]): LatencySummary {
  const local = newHistogram();
  const cross = newHistogram();
  for (const part of parts) {
    mergeInto(local, part.local);
    mergeInto(cross, part.cross);
  }
  const all = newHistogram();
  mergeInto(all, local);
  mergeInto(all, cross);
  const ms = (us: number | null): number | null => (us === null ? null : us / 1000);
  return {
    count: countOf(all),
    p50: ms(quantile(all, 0.5)),
    p99: ms(quantile(all, 0.99)),
    localP50: ms(quantile(local, 0.5)),
    crossP50: ms(quantile(cross, 0.5)),
  };
}

process.on('message', (command: GeneratorCommand) => {
  if (command.type === 'next') {
    const step = nextStep;
    nextStep = undefined;
    step?.();
    return;
  }
  run(command.config).then(
    (result) => {
      emit({ type: 'result', result });
      process.disconnect?.();
    },
    (error: Error) => {
      emit({ type: 'failed', error: error.message });
      process.disconnect?.();
      setTimeout(() => process.exit(1), 200).unref();
    },
  );
});
