import type { Cluster, Worker } from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { IPC_TAG, ignoreClosedChannel, type PrimaryIpcMessage } from '../backplanes/cluster-ipc-message';
import type { ClusterEvent, ClusterLogger, ClusterOptions, CLUSTER_DEFAULTS } from './cluster-options';
import { ClusterIpcRelay } from './ipc-relay';

type Settings = typeof CLUSTER_DEFAULTS & ClusterOptions & { readonly logger: ClusterLogger };

interface Slot {
  worker?: Worker;
  startedAt: number;
  /** Deaths in a row, each before `stableAfter`: drives the backoff. */
  crashes: number;
  restart?: NodeJS.Timeout;
}

/**
 * The primary of a cluster: forks the workers, relays for
 * `ClusterIpcBackplane`, restarts a worker that dies (with backoff), and on a
 * signal drains every worker and exits once they all have.
 */
export class ClusterPrimary {
  private readonly relay: ClusterIpcRelay;
  private readonly slots: Slot[] = [];
  private draining = false;
  private killTimer?: NodeJS.Timeout;
  /** Workers the drain had to kill (after `shutdownTimeout`, or on a second signal): the primary then exits 1. */
  private readonly killed = new Set<Worker>();
  private readonly listeningSlots = new Set<number>();
  private allListening?: () => void;

  constructor(
    private readonly cluster: Cluster,
    private readonly settings: Settings,
  ) {
    this.relay = new ClusterIpcRelay(cluster);
  }

  /** Forks the workers; resolves once each of them listens. */
  start(): Promise<void> {
    const listening = new Promise<void>((resolve) => (this.allListening = resolve));
    this.relay.attach();
    this.cluster.on('exit', this.onExit);
    this.cluster.on('listening', this.onListening);
    for (const signal of this.settings.signals) process.on(signal, this.onSignal);
    this.settings.logger.log(`primary ${process.pid} starts ${this.settings.workers} workers`);
    for (let slot = 0; slot < this.settings.workers; slot++) {
      this.slots.push({ startedAt: 0, crashes: 0 });
      this.fork(slot);
    }
    return listening;
  }

  /** Drains every worker (they close their clients with 1001 and clear their registry entries), then exits. */
  drain(reason: string): void {
    if (this.draining) return;
    this.draining = true;
    this.emit({ type: 'draining', signal: reason });
    this.settings.logger.log(`${reason}: draining ${this.live().length} workers`);
    for (const slot of this.slots) clearTimeout(slot.restart);
    for (const worker of this.live()) this.sendDrain(worker);
    this.killTimer = setTimeout(() => {
      for (const worker of this.live()) {
        this.settings.logger.warn(`worker ${worker.process.pid} did not drain within ${this.settings.shutdownTimeout} ms; killing it`);
        this.kill(worker);
      }
    }, this.settings.shutdownTimeout);
    this.killTimer.unref();
    this.stopIfDone();
  }

  private sendDrain(worker: Worker): void {
    const drain: PrimaryIpcMessage = { [IPC_TAG]: 1, type: 'drain' };
    if (worker.isConnected()) worker.send(drain, undefined, undefined, ignoreClosedChannel);
  }

  private fork(slot: number): void {
    const state = this.slots[slot];
    state.restart = undefined;
    state.startedAt = Date.now();
    state.worker = this.cluster.fork({ SWITCHBOARD_WORKER_SLOT: String(slot) });
    this.emit({ type: 'forked', slot, pid: state.worker.process.pid ?? 0 });
  }

  private live(): Worker[] {
    return this.slots.flatMap((s) => (s.worker && !s.worker.isDead() ? [s.worker] : []));
  }

  private slotOf(worker: Worker): number {
    return this.slots.findIndex((s) => s.worker === worker);
  }

  private readonly onListening = (worker: Worker, address: AddressInfo | { port?: number }): void => {
    const slot = this.slotOf(worker);
    if (slot < 0) return;
    // A worker whose entry awaited something before runCluster() had no listener when the drain was sent: tell it again.
    if (this.draining) return this.sendDrain(worker);
    const port = address.port ?? 0;
    const nodes = this.relay.nodes(worker);
    this.emit({ type: 'listening', slot, pid: worker.process.pid ?? 0, port, nodes });
    this.settings.logger.log(`worker ${worker.process.pid} listens on port ${port}${nodes.length ? ` (node ${nodes.join(', ')})` : ''}`);
    this.listeningSlots.add(slot);
    if (this.listeningSlots.size === this.slots.length && this.allListening) {
      this.settings.logger.log(`cluster ready: ${this.slots.length} workers share port ${port}`);
      this.allListening();
      this.allListening = undefined;
    }
  };

  private readonly onExit = (worker: Worker, code: number | null, signal: string | null): void => {
    const slot = this.slotOf(worker);
    const purged = this.relay.forget(worker);
    if (slot < 0) return;
    const state = this.slots[slot];
    state.worker = undefined;
    const pid = worker.process.pid ?? 0;
    this.emit({ type: 'exit', slot, pid, code, signal, purged, draining: this.draining });
    if (this.draining) {
      this.settings.logger.log(`worker ${pid} exited (${signal ?? `code ${code}`}) after draining`);
      this.stopIfDone();
      return;
    }
    const lived = Date.now() - state.startedAt;
    state.crashes = lived >= this.settings.stableAfter ? 0 : state.crashes + 1;
    const delay = Math.min(this.settings.restartDelay * 2 ** Math.max(0, state.crashes - 1), this.settings.maxRestartDelay);
    this.settings.logger.warn(
      `worker ${pid} died (${signal ?? `code ${code}`}) after ${lived} ms; removed its ${purged} registry entries; restarting in ${delay} ms`,
    );
    this.emit({ type: 'restarting', slot, delay });
    // Kept referenced: when every worker is dead this timer is all that keeps the primary alive to restart them.
    state.restart = setTimeout(() => this.fork(slot), delay);
  };

  private readonly onSignal = (signal: NodeJS.Signals): void => {
    if (this.draining) {
      this.settings.logger.warn(`${signal} again: killing the workers now`);
      for (const worker of this.live()) this.kill(worker);
      return;
    }
    this.drain(signal);
  };

  private stopIfDone(): void {
    if (!this.draining || this.live().length > 0) return;
    clearTimeout(this.killTimer);
    this.relay.detach();
    this.cluster.off('exit', this.onExit);
    this.cluster.off('listening', this.onListening);
    for (const signal of this.settings.signals) process.off(signal, this.onSignal);
    const killed = this.killed.size;
    this.settings.logger.log(`all workers stopped${killed ? ` (${killed} killed)` : ''}; primary exits`);
    this.emit({ type: 'stopped', killed });
    process.exit(killed > 0 ? 1 : 0);
  }

  /** Kills a worker that did not drain; counted once, however many times it is killed before its exit is seen. */
  private kill(worker: Worker): void {
    this.killed.add(worker);
    worker.process.kill('SIGKILL');
  }

  private emit(event: ClusterEvent): void {
    try {
      this.settings.onEvent?.(event);
    } catch (error) {
      this.settings.logger.error(`onEvent listener failed: ${(error as Error).message}`);
    }
  }
}
