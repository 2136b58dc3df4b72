import { BootErrorCode, SwitchboardBootError } from '../protocol/switchboard-error';
import { Backplane } from './backplane';
import {
  IPC_TAG,
  decodePrimaryMessage,
  isSwitchboardIpc,
  type PrimaryIpcMessage,
  type RegistryCall,
  type RegistryResults,
  type WorkerIpcMessage,
} from './cluster-ipc-message';
import type { ConnectionInfo, ConnectionRecord, MetadataUpdate } from './connection-info';

/** The IPC channel of a worker to its primary; `process` in a `node:cluster` worker. */
export interface IpcChannel {
  readonly connected?: boolean;
  send?(message: unknown, sendHandle?: undefined, options?: undefined, callback?: (error: Error | null) => void): boolean;
  on(event: 'message' | 'disconnect', listener: (message: unknown) => void): unknown;
  off(event: 'message' | 'disconnect', listener: (message: unknown) => void): unknown;
}

/** Options of `ClusterIpcBackplane`. */
export interface ClusterIpcBackplaneOptions {
  /** Default: a random id. */
  readonly nodeId?: string;
  /** How long a registry call waits for the primary's answer, in ms. Default 5 000. */
  readonly requestTimeout?: number;
  /** The channel to the primary. Default: `process`, the worker's IPC channel. */
  readonly channel?: IpcChannel;
}

const DEFAULTS = { requestTimeout: 5000 };

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
  readonly what: string;
}

type Op = RegistryCall['op'];

/** The primary ran a call and answered that it failed (as opposed to not answering at all). */
class RefusedByPrimary extends Error {}

/**
 * The backplane of `node:cluster` workers on one machine, with no external
 * service: every publish goes to the primary over the worker's IPC channel
 * and the primary relays it to the other workers (or the one named); the
 * primary also keeps the shared registry, which workers query with
 * request/response calls. Run the primary with `runCluster()` (or attach a
 * `ClusterIpcRelay` yourself).
 */
export class ClusterIpcBackplane extends Backplane {
  readonly name = 'cluster';
  private readonly options: Required<Omit<ClusterIpcBackplaneOptions, 'nodeId'>>;
  private readonly pending = new Map<number, Pending>();
  private seq = 0;
  private started = false;

  constructor(options: ClusterIpcBackplaneOptions = {}) {
    super(options.nodeId);
    this.options = { ...DEFAULTS, channel: process as IpcChannel, ...options };
  }

  override get healthy(): boolean {
    return this.started && this.options.channel.connected === true;
  }

  protected override get degradedDetail(): string {
    return this.started ? 'the IPC channel to the cluster primary is closed' : 'not started';
  }

  protected override async init(): Promise<void> {
    const { channel } = this.options;
    if (typeof channel.send !== 'function' || !channel.connected) {
      throw new SwitchboardBootError(
        BootErrorCode.BACKPLANE_MISCONFIGURED,
        'ClusterIpcBackplane runs in a node:cluster worker; start the app with runCluster(), or use MemoryBackplane in a single process',
      );
    }
    channel.on('message', this.onIpc);
    channel.on('disconnect', this.onDisconnect);
    this.started = true;
    try {
      await this.call({ op: 'hello', probe: HELLO_PROBE });
    } catch (error) {
      this.detach();
      if (error instanceof RefusedByPrimary) throw new SwitchboardBootError(BootErrorCode.BACKPLANE_MISCONFIGURED, error.message);
      throw new SwitchboardBootError(
        BootErrorCode.BACKPLANE_UNREACHABLE,
        `the cluster primary did not answer (${(error as Error).message}); start the cluster with runCluster(), which relays for ClusterIpcBackplane`,
      );
    }
  }

  protected override async close(): Promise<void> {
    this.detach();
  }

  protected publish(payload: Buffer, node?: string): void {
    this.post(node === undefined ? { [IPC_TAG]: 1, type: 'publish', payload } : { [IPC_TAG]: 1, type: 'publish', payload, to: node });
  }

  async addConnection(record: ConnectionRecord): Promise<void> {
    await this.call({ op: 'addConnection', record });
  }

  async removeConnection(id: string): Promise<void> {
    await this.call({ op: 'removeConnection', id });
  }

  addToRoom(id: string, room: string): Promise<number> {
    return this.call({ op: 'addToRoom', id, room });
  }

  removeFromRoom(id: string, room: string): Promise<number> {
    return this.call({ op: 'removeFromRoom', id, room });
  }

  getConnection(id: string): Promise<ConnectionInfo | null> {
    return this.call({ op: 'getConnection', id });
  }

  getConnections(): Promise<ConnectionInfo[]> {
    return this.call({ op: 'getConnections' });
  }

  getRoomMembers(room: string): Promise<string[]> {
    return this.call({ op: 'getRoomMembers', room });
  }

  updateMetadata(id: string, patch: Readonly<Record<string, unknown>>): Promise<MetadataUpdate | null> {
    // Removals go as null, which every serialisation keeps (JSON would drop `undefined`).
    const removable = Object.fromEntries(Object.entries(patch).map(([key, value]) => [key, value === undefined ? null : value]));
    return this.call({ op: 'updateMetadata', id, patch: removable });
  }

  private call<K extends Op>(call: Extract<RegistryCall, { op: K }>): Promise<RegistryResults[K]> {
    const what = describe(call);
    if (!this.started || !this.options.channel.connected) {
      return Promise.reject(new Error(`cluster registry: cannot ${what}: the IPC channel to the primary is closed`));
    }
    const seq = ++this.seq;
    return new Promise<RegistryResults[K]>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(seq);
        reject(new Error(`cluster registry: sent ${what} to the primary, no answer within ${this.options.requestTimeout} ms`));
      }, this.options.requestTimeout);
      timer.unref();
      this.pending.set(seq, { resolve: resolve as (value: unknown) => void, reject, timer, what });
      this.post({ [IPC_TAG]: 1, type: 'call', node: this.nodeId, seq, call });
    });
  }

  private post(message: WorkerIpcMessage): void {
    const { channel } = this.options;
    if (!channel.connected || !channel.send) return;
    // The callback keeps a send on a channel closing under us from becoming an 'error' event.
    channel.send(message, undefined, undefined, ignoreSendError);
  }

  private readonly onIpc = (raw: unknown): void => {
    const message: PrimaryIpcMessage | undefined = decodePrimaryMessage(raw);
    if (!message) {
      // Untagged messages are the application's own IPC; a tagged one that fails the checks is garbage.
      if (isSwitchboardIpc(raw)) this.discard();
      return;
    }
    switch (message.type) {
      case 'message':
        // Several apps may share one worker; a message for one node is not for the others.
        if (message.to === undefined || message.to === this.nodeId) this.onMessage(message.payload);
        return;
      case 'result':
      case 'error': {
        const pending = this.pending.get(message.seq);
        if (!pending) return;
        this.pending.delete(message.seq);
        clearTimeout(pending.timer);
        if (message.type === 'result') pending.resolve(message.value);
        else pending.reject(new RefusedByPrimary(`cluster registry: ${pending.what} failed in the primary: ${message.error}`));
        return;
      }
    }
  };

  private readonly onDisconnect = (): void => {
    this.failPending('the IPC channel to the primary closed');
  };

  private detach(): void {
    if (!this.started) return;
    this.started = false;
    this.options.channel.off('message', this.onIpc);
    this.options.channel.off('disconnect', this.onDisconnect);
    this.failPending('the backplane stopped');
  }

  private failPending(why: string): void {
    for (const [seq, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(new Error(`cluster registry: ${why} before the primary answered ${pending.what}`));
      this.pending.delete(seq);
    }
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
    default:
      return `${call.op}()`;
  }
}

function ignoreSendError(): void {}

/** What a hello carries to show the channel keeps bytes as bytes. */
const HELLO_PROBE = Buffer.from([1]);
