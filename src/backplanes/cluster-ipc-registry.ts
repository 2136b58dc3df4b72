import { RuntimeErrorCode } from '../protocol/runtime-error-codes';
import { SwitchboardError } from '../protocol/switchboard-error';
import type { IpcHistoryRead, RegistryCall, RegistryResults, WorkerIpcMessage } from './cluster-ipc-message';
import type { ConnectionInfo, ConnectionRecord, MetadataUpdate } from './connection-info';
import type { ConnectionRegistry } from './connection-registry';

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: SwitchboardError) => void;
  readonly timer: NodeJS.Timeout;
  readonly what: string;
}

type Op = RegistryCall['op'];

/** What the registry client needs of its `ClusterIpcBackplane`. */
export interface IpcRegistryHost {
  readonly nodeId: string;
  /** How long a call waits for the primary's answer, in ms. */
  readonly requestTimeout: number;
  /** True while calls can reach the primary. */
  isOpen(): boolean;
  /** Sends a message to the primary. */
  post(message: WorkerIpcMessage): void;
}

/**
 * A worker's view of the registry the cluster primary keeps: each call is a
 * request over IPC, answered by the primary's `ClusterIpcRelay`, and fails
 * with a message saying how far it got when the primary does not answer.
 */
export class IpcRegistryClient implements ConnectionRegistry {
  private readonly pending = new Map<number, Pending>();
  private seq = 0;

  constructor(private readonly host: IpcRegistryHost) {}

  async add(record: ConnectionRecord): Promise<void> {
    await this.call({ op: 'addConnection', record });
  }

  async remove(id: string): Promise<void> {
    await this.call({ op: 'removeConnection', id });
  }

  join(id: string, room: string): Promise<number> {
    return this.call({ op: 'addToRoom', id, room });
  }

  leave(id: string, room: string): Promise<number> {
    return this.call({ op: 'removeFromRoom', id, room });
  }

  get(id: string): Promise<ConnectionInfo | null> {
    return this.call({ op: 'getConnection', id });
  }

  all(): Promise<ConnectionInfo[]> {
    return this.call({ op: 'getConnections' });
  }

  members(room: string): Promise<string[]> {
    return this.call({ op: 'getRoomMembers', room });
  }

  countFrom(route: string, address: string): Promise<number> {
    return this.call({ op: 'countFrom', route, address });
  }

  patch(id: string, patch: Readonly<Record<string, unknown>>): Promise<MetadataUpdate | null> {
    // Removals go as null, which every serialisation keeps (JSON would drop `undefined`).
    const removable = Object.fromEntries(Object.entries(patch).map(([key, value]) => [key, value === undefined ? null : value]));
    return this.call({ op: 'updateMetadata', id, patch: removable });
  }

  /** A history room's position and the publications kept after `after` (see `Backplane.readRoom`). */
  readHistory(room: string, after: number | undefined, size: number, ttl: number): Promise<IpcHistoryRead> {
    return this.call(after === undefined ? { op: 'readHistory', room, size, ttl } : { op: 'readHistory', room, after, size, ttl });
  }

  /** Asks the primary whether it relays for this node; the backplane's boot check. */
  async hello(): Promise<void> {
    await this.call({ op: 'hello' });
  }

  /** Settles the call the primary answered; an answer to no pending call (timed out meanwhile) is ignored. */
  settle(seq: number, outcome: { readonly value: unknown } | { readonly error: string }): void {
    const pending = this.pending.get(seq);
    if (!pending) return;
    this.pending.delete(seq);
    clearTimeout(pending.timer);
    if ('value' in outcome) pending.resolve(outcome.value);
    else
      pending.reject(
        new SwitchboardError(RuntimeErrorCode.REGISTRY_FAILED, `cluster registry: ${pending.what} failed in the primary: ${outcome.error}`),
      );
  }

  /** Fails every call still waiting with `code`, saying why. */
  failPending(code: RuntimeErrorCode, why: string): void {
    for (const [seq, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new SwitchboardError(code, `cluster registry: ${why} before the primary answered ${pending.what}`));
      this.pending.delete(seq);
    }
  }

  private call<K extends Op>(call: Extract<RegistryCall, { op: K }>): Promise<RegistryResults[K]> {
    const what = describe(call);
    if (!this.host.isOpen()) {
      return Promise.reject(
        new SwitchboardError(
          RuntimeErrorCode.REGISTRY_UNREACHABLE,
          `cluster registry: cannot ${what}: the IPC channel to the primary is closed`,
        ),
      );
    }
    const seq = ++this.seq;
    return new Promise<RegistryResults[K]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        reject(
          new SwitchboardError(
            RuntimeErrorCode.REGISTRY_TIMEOUT,
            `cluster registry: sent ${what} to the primary, no answer within ${this.host.requestTimeout} ms`,
          ),
        );
      }, this.host.requestTimeout);
      timer.unref();
      this.pending.set(seq, { resolve: resolve as (value: unknown) => void, reject, timer, what });
      this.host.post({ switchboard: 1, type: 'call', node: this.host.nodeId, seq, call });
    });
  }
}

function describe(call: RegistryCall): string {
  switch (call.op) {
    case 'addConnection':
      return `addConnection(${call.record.id})`;
    case 'removeConnection':
    case 'getConnection':
    case 'updateMetadata':
      return `${call.op}(${call.id})`;
    case 'addToRoom':
    case 'removeFromRoom':
      return `${call.op}(${call.id}, ${call.room})`;
    case 'getRoomMembers':
      return `getRoomMembers(${call.room})`;
    case 'countFrom':
      return `countFrom(${call.route}, ${call.address})`;
    default:
      return `${call.op}()`;
  }
}
