import type { Worker } from 'node:cluster';
import {
  IPC_TAG,
  ignoreClosedChannel,
  decodeWorkerMessage,
  type PrimaryIpcMessage,
  type RegistryCall,
  type RegistryResults,
  type WorkerIpcMessage,
} from '../backplanes/cluster-ipc-message';
import { InProcessRegistry } from '../backplanes/in-process-registry';
import { RoomHistories } from '../backplanes/room-histories';

/** The part of `node:cluster` the relay listens to. */
export interface ClusterMessageSource {
  on(event: 'message', listener: (worker: Worker, message: unknown) => void): unknown;
  off(event: 'message', listener: (worker: Worker, message: unknown) => void): unknown;
}

/**
 * The primary's half of `ClusterIpcBackplane`: relays each publish to the
 * other workers (or to the one node named) and answers the workers'
 * registry calls from one `InProcessRegistry`. Messages without Switchboard's
 * tag are the application's and are left alone. It also keeps the history
 * rooms' histories: it numbers each publication to one and sends it to
 * every worker, so the order of offsets is the order of delivery.
 */
export class ClusterIpcRelay {
  readonly registry = new InProcessRegistry();
  /** History rooms' histories: they live as long as the primary, and a new primary starts new epochs. */
  private readonly histories = new RoomHistories();
  /** Node ids of the backplanes each worker runs (usually one), from their registry calls (the first is `hello`). */
  private readonly nodesOf = new Map<Worker, Set<string>>();
  private readonly workerOf = new Map<string, Worker>();
  private attached = false;

  constructor(private readonly source: ClusterMessageSource) {}

  attach(): void {
    if (this.attached) return;
    this.attached = true;
    this.source.on('message', this.onWorkerMessage);
    this.histories.start();
  }

  detach(): void {
    if (!this.attached) return;
    this.attached = false;
    this.source.off('message', this.onWorkerMessage);
    this.histories.stop();
  }

  /** The node ids a worker's backplanes announced. */
  nodes(worker: Worker): string[] {
    return [...(this.nodesOf.get(worker) ?? [])];
  }

  /**
   * Forgets a worker that exited and removes its connections and room
   * memberships from the registry at once. Returns how many connections it
   * still had: 0 after a clean drain, where the worker removed its own.
   */
  forget(worker: Worker): number {
    let purged = 0;
    for (const node of this.nodesOf.get(worker) ?? []) {
      purged += this.registry.removeNode(node);
      this.workerOf.delete(node);
    }
    this.nodesOf.delete(worker);
    return purged;
  }

  private readonly onWorkerMessage = (worker: Worker, raw: unknown): void => {
    // A message still in the pipe when its worker's exit was handled would register a dead node again.
    if (worker.isDead()) return;
    const message = decodeWorkerMessage(raw);
    if (!message) return;
    if (message.type === 'publish') return this.relay(worker, message);
    if (message.type === 'append') return this.append(message);
    this.know(worker, message.node);
    this.answer(worker, message);
  };

  private know(worker: Worker, node: string): void {
    if (this.workerOf.get(node) === worker) return;
    this.workerOf.set(node, worker);
    let nodes = this.nodesOf.get(worker);
    if (!nodes) this.nodesOf.set(worker, (nodes = new Set()));
    nodes.add(node);
  }

  private relay(sender: Worker, { payload, to }: Extract<WorkerIpcMessage, { type: 'publish' }>): void {
    if (to !== undefined) {
      const target = this.workerOf.get(to);
      if (target) send(target, { [IPC_TAG]: 1, type: 'message', payload, to });
      return;
    }
    const out: PrimaryIpcMessage = { [IPC_TAG]: 1, type: 'message', payload };
    for (const [worker, nodes] of this.nodesOf) {
      // The sender's own worker gets it only if another app there needs it. A backplane says hello before
      // it publishes, on the same ordered channel, so a worker with one node known sent it from that node.
      if (worker === sender && nodes.size === 1) continue;
      send(worker, out);
    }
  }

  private append({ room, payload, size, ttl }: Extract<WorkerIpcMessage, { type: 'append' }>): void {
    const history = this.histories.of(room, { size, ttl });
    const offset = history.append(Buffer.from(payload, 'latin1'));
    const out: PrimaryIpcMessage = { [IPC_TAG]: 1, type: 'numbered', payload, epoch: history.epoch, offset };
    for (const worker of this.nodesOf.keys()) send(worker, out);
  }

  private answer(worker: Worker, message: Extract<WorkerIpcMessage, { type: 'call' }>): void {
    try {
      const value = this.run(message.node, message.call);
      send(worker, { [IPC_TAG]: 1, type: 'result', seq: message.seq, value });
    } catch (error) {
      send(worker, { [IPC_TAG]: 1, type: 'error', seq: message.seq, error: (error as Error).message });
    }
  }

  private run(node: string, call: RegistryCall): unknown {
    // The table's type ties each answer to what the worker's call expects (RegistryResults).
    const handler = this.handlers[call.op] as (call: RegistryCall, node: string) => unknown;
    return handler(call, node);
  }

  private readonly handlers: RegistryHandlers = {
    hello: () => null,
    addConnection: (call, node) => {
      // Owned by the worker's node that sent it, whatever the record claims.
      this.registry.add({ ...call.record, serverInstanceId: node });
      return null;
    },
    removeConnection: (call) => {
      this.registry.remove(call.id);
      return null;
    },
    addToRoom: (call) => this.registry.join(call.id, call.room),
    removeFromRoom: (call) => this.registry.leave(call.id, call.room),
    getConnection: (call) => this.registry.get(call.id),
    getConnections: () => this.registry.all(),
    getRoomMembers: (call) => this.registry.members(call.room),
    countFrom: (call) => this.registry.countFrom(call.route, call.address),
    updateMetadata: (call) => this.registry.patch(call.id, call.patch),
    readHistory: ({ room, after, size, ttl }) => {
      const read = this.histories.of(room, { size, ttl }).read(after);
      return {
        epoch: read.epoch,
        offset: read.offset,
        publications: read.publications.map(({ offset, payload }) => [offset, payload.toString('latin1')] as const),
      };
    },
  };
}

/** One handler per registry operation, answering what `RegistryResults` says that operation answers. */
type RegistryHandlers = {
  readonly [K in RegistryCall['op']]: (call: Extract<RegistryCall, { op: K }>, node: string) => RegistryResults[K];
};

function send(worker: Worker, message: PrimaryIpcMessage): void {
  // A worker that is exiting may have closed its channel; its entries go with forget().
  if (worker.isConnected()) worker.send(message, undefined, undefined, ignoreClosedChannel);
}
