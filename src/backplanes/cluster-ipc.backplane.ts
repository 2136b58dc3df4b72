import { RuntimeErrorCode } from '../protocol/runtime-error-codes';
import { BootErrorCode, SwitchboardBootError } from '../protocol/switchboard-error';
import { Backplane, type BackplaneOptions } from './backplane';
import {
  IPC_TAG,
  ignoreClosedChannel,
  decodePrimaryMessage,
  isSwitchboardIpc,
  type PrimaryIpcMessage,
  type WorkerIpcMessage,
} from './cluster-ipc-message';
import { IpcRegistryClient } from './cluster-ipc-registry';
import type { HistoryLimits, HistoryRead } from './room-stream';

/** The IPC channel of a worker to its primary; `process` in a `node:cluster` worker. */
export interface IpcChannel {
  readonly connected?: boolean;
  send?(message: unknown, sendHandle?: undefined, options?: undefined, callback?: (error: Error | null) => void): boolean;
  on(event: 'message' | 'disconnect', listener: (message: unknown) => void): unknown;
  off(event: 'message' | 'disconnect', listener: (message: unknown) => void): unknown;
}

/** Options of `ClusterIpcBackplane`. */
export interface ClusterIpcBackplaneOptions extends BackplaneOptions {
  /** How long a registry call waits for the primary's answer, in ms. Default 5 000. */
  readonly requestTimeout?: number;
  /** The channel to the primary. Default: `process`, the worker's IPC channel. */
  readonly channel?: IpcChannel;
}

const DEFAULTS = { requestTimeout: 5000 };

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
  private readonly options: Required<Omit<ClusterIpcBackplaneOptions, keyof BackplaneOptions>>;
  protected readonly registry: IpcRegistryClient;
  private started = false;

  constructor(options: ClusterIpcBackplaneOptions = {}) {
    super(options);
    this.options = { ...DEFAULTS, channel: process as IpcChannel, ...options };
    this.registry = new IpcRegistryClient({
      nodeId: this.nodeId,
      requestTimeout: this.options.requestTimeout,
      isOpen: () => this.started && this.options.channel.connected === true,
      post: (message) => this.post(message),
    });
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
      await this.registry.hello();
    } catch (error) {
      this.detach();
      throw new SwitchboardBootError(
        BootErrorCode.BACKPLANE_UNREACHABLE,
        `the cluster primary did not answer (${(error as Error).message}); start the cluster with runCluster(), which relays for ClusterIpcBackplane`,
        { cause: error },
      );
    }
  }

  protected override async close(): Promise<void> {
    this.detach();
  }

  protected publish(payload: Buffer, node?: string): void {
    // One character per byte: see WorkerIpcMessage for why not a Buffer.
    const bytes = payload.toString('latin1');
    this.post(
      node === undefined ? { [IPC_TAG]: 1, type: 'publish', payload: bytes } : { [IPC_TAG]: 1, type: 'publish', payload: bytes, to: node },
    );
  }

  /** The primary numbers it (it keeps the histories) and sends it to every worker, this one included. */
  protected override appendToHistory(room: string, payload: Buffer, { size, ttl }: HistoryLimits): void {
    this.post({ [IPC_TAG]: 1, type: 'append', room, payload: payload.toString('latin1'), size, ttl });
  }

  protected override async readHistory(room: string, after: number | undefined, { size, ttl }: HistoryLimits): Promise<HistoryRead> {
    const read = await this.registry.readHistory(room, after, size, ttl);
    const publications = read.publications.map(([offset, payload]) => ({ offset, payload: Buffer.from(payload, 'latin1') }));
    return { epoch: read.epoch, offset: read.offset, publications };
  }

  private post(message: WorkerIpcMessage): void {
    const { channel } = this.options;
    if (!channel.connected || !channel.send) return;
    // The callback keeps a send on a channel closing under us from becoming an 'error' event.
    channel.send(message, undefined, undefined, ignoreClosedChannel);
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
        if (message.to === undefined || message.to === this.nodeId) this.onMessage(Buffer.from(message.payload, 'latin1'));
        return;
      case 'numbered':
        this.onNumbered(Buffer.from(message.payload, 'latin1'), { epoch: message.epoch, offset: message.offset });
        return;
      case 'result':
        this.registry.settle(message.seq, { value: message.value });
        return;
      case 'error':
        this.registry.settle(message.seq, { error: message.error });
        return;
    }
  };

  private readonly onDisconnect = (): void => {
    this.registry.failPending(RuntimeErrorCode.REGISTRY_UNREACHABLE, 'the IPC channel to the primary closed');
  };

  private detach(): void {
    if (!this.started) return;
    this.started = false;
    this.options.channel.off('message', this.onIpc);
    this.options.channel.off('disconnect', this.onDisconnect);
    this.registry.failPending(RuntimeErrorCode.BACKPLANE_STOPPED, 'the backplane stopped');
  }
}
