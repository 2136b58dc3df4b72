import { Logger, type LoggerService } from '@nestjs/common';
import cluster from 'node:cluster';
import { Backplane, type BackplaneOptions } from './backplane';
import { InProcessRegistry } from './in-process-registry';
import { RoomHistories } from './room-histories';
import type { HistoryLimits, HistoryRead } from './room-stream';

/**
 * The shared state of memory backplanes in one process. Each backplane gets
 * its own bus by default; give several the same bus to run several nodes (for
 * example several Nest apps in one test process) as if they were a cluster.
 */
export class MemoryBus {
  /** @internal */ readonly nodes = new Map<string, MemoryBackplane>();
  /** @internal */ readonly registry = new InProcessRegistry();
  /** @internal The history rooms' histories, swept while a node is on the bus. */
  readonly histories = new RoomHistories();
}

/** Options of `MemoryBackplane`. */
export interface MemoryBackplaneOptions extends BackplaneOptions {
  /** Shared with other nodes in this process. Default: a bus of its own. */
  readonly bus?: MemoryBus;
  /** Where the warning about running in a cluster worker goes. Default: Nest's `Logger` with context `MemoryBackplane`. */
  readonly logger?: Pick<LoggerService, 'warn'>;
}

/** Logged when a memory backplane starts in a `node:cluster` worker, where it cannot reach the other workers. */
export const MEMORY_IN_CLUSTER_WORKER =
  'The memory backplane is running in a cluster worker: rooms, broadcasts and the connection registry are NOT shared ' +
  'with the other workers, so clients on another worker miss what is sent here. Use SwitchboardModule.forRoot({ backplane: backplaneFromEnv() }) ' +
  '(cluster IPC under runCluster(), Redis when REDIS_URL is set) or new ClusterIpcBackplane().';

/** The default backplane: everything in this process, nothing to set up. */
export class MemoryBackplane extends Backplane {
  readonly name = 'memory';
  private readonly bus: MemoryBus;
  protected readonly registry: InProcessRegistry;
  private readonly logger: Pick<LoggerService, 'warn'>;

  constructor(options: MemoryBackplaneOptions = {}) {
    super(options);
    this.bus = options.bus ?? new MemoryBus();
    this.registry = this.bus.registry;
    this.logger = options.logger ?? new Logger('MemoryBackplane');
  }

  override get distributed(): boolean {
    return this.bus.nodes.size > 1;
  }

  protected override async init(): Promise<void> {
    // It is the default, so a cluster app that forgot to pick a backplane gets
    // it: say so at boot instead of letting broadcasts stop at the worker's edge.
    if (cluster.isWorker) this.logger.warn(MEMORY_IN_CLUSTER_WORKER);
    this.bus.nodes.set(this.nodeId, this);
    this.bus.histories.start();
  }

  protected override async close(): Promise<void> {
    this.bus.nodes.delete(this.nodeId);
    if (this.bus.nodes.size === 0) this.bus.histories.stop();
  }

  protected override appendToHistory(room: string, payload: Buffer, limits: HistoryLimits): void {
    const history = this.bus.histories.of(room, limits);
    const position = { epoch: history.epoch, offset: history.append(payload) };
    // This node at once, as an emit without history delivers here at once; the others on a later microtask, in offset order.
    this.onNumbered(payload, position);
    for (const peer of this.bus.nodes.values()) if (peer !== this) queueMicrotask(() => peer.onNumbered(payload, position));
  }

  protected override async readHistory(room: string, after: number | undefined, limits: HistoryLimits): Promise<HistoryRead> {
    return this.bus.histories.of(room, limits).read(after);
  }

  protected publish(payload: Buffer, node?: string): void {
    // Deliver on a later microtask, in order, as a real transport would: never
    // re-entrantly inside the sender's emit. Each peer decodes the encoded
    // message as any transport's receiver does, so what passes here passes everywhere.
    for (const peer of this.bus.nodes.values()) {
      if (peer === this || (node !== undefined && peer.nodeId !== node)) continue;
      queueMicrotask(() => peer.onMessage(payload));
    }
  }
}
