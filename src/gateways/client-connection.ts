import type { IncomingHttpHeaders } from 'node:http';
import { WebSocket } from 'ws';
import { CloseCode, encodeFrame } from '../protocol';
import type { ConnectionLimits } from '../options/connection-limits';
import type { HandshakeContext } from '../options/gateway-hooks';
import type { WsEmitter } from '../services/ws-emitter';
import type { ConnectionInfo, MetadataUpdate } from '../backplanes/connection-info';
import { FrameWriter } from './frame-writer';
import type { HubConnection } from '../services/hub-connection';
import { ConnectionVersions } from '../services/connection-versions';
import type { PreparedFrame } from '../services/prepared-frame';
import { FrameInbox } from './frame-inbox';

/** How long a client closed for reading too slowly gets to take its close frame before the socket is cut. */
const SLOW_CLIENT_GRACE_MS = 1000;

const TEXT = { binary: false } as const;
const BINARY = { binary: true } as const;

/** What the handshake resolved for a new connection: its context, plus what the server adds. */
export interface ConnectionInit extends Pick<HandshakeContext, 'path' | 'route' | 'params' | 'query' | 'headers' | 'address' | 'data'> {
  readonly id: string;
  readonly socket: WebSocket;
  readonly remoteAddress: string | undefined;
  readonly limits: ConnectionLimits;
}

/** A live connection held by this node: the socket plus the state around it. */
export class ClientConnection implements HubConnection {
  readonly id: string;
  readonly socket: WebSocket;
  readonly path: string;
  readonly route: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  readonly data: Record<string, unknown>;
  readonly remoteAddress: string | undefined;
  /** The client's address (see `HandshakeContext.address`). */
  readonly address: string;
  readonly limits: ConnectionLimits;
  readonly connectTime = new Date();
  readonly rooms = new Set<string>();
  metadata: Readonly<Record<string, unknown>> = {};
  /** The registry versions applied here: an older change arriving late is ignored. */
  private readonly versions = new ConnectionVersions();
  /** Set by each pong; cleared by each heartbeat tick. */
  alive = true;
  /** Frames dropped because the client read too slowly (policy `drop`). */
  dropped = 0;
  /** The dispatcher's state for this connection: frames waiting for their handlers, the rate limiter. */
  readonly inbox: FrameInbox;
  /** The sender-bound emitter, created on the first handled frame. */
  emitter?: WsEmitter;
  /** Writes the broadcasts' prepared frames. */
  private readonly frames: FrameWriter;

  constructor(init: ConnectionInit) {
    this.id = init.id;
    this.socket = init.socket;
    this.path = init.path;
    this.route = init.route;
    this.params = init.params;
    this.query = init.query;
    this.headers = init.headers;
    this.data = init.data;
    this.remoteAddress = init.remoteAddress;
    this.address = init.address;
    this.limits = init.limits;
    this.inbox = new FrameInbox(init.limits);
    this.frames = new FrameWriter(init.socket);
  }

  get protocol(): string {
    return this.socket.protocol;
  }

  get ip(): string {
    return this.address;
  }

  /** Writes an already encoded frame; false when the socket is not open or the slow-client policy refused it. */
  write(bytes: Buffer, binary: boolean): boolean {
    if (!this.admits()) return false;
    this.socket.send(bytes, binary ? BINARY : TEXT);
    return true;
  }

  /**
   * Writes a frame prepared once for many receivers: the per-receiver step
   * of every broadcast, so it allocates nothing and never throws.
   */
  writeFrame(frame: PreparedFrame): boolean {
    if (!this.admits()) return false;
    this.frames.write(frame);
    return true;
  }

  /** Whether the socket may take another frame: open, and under the high-water mark or handled by the slow-client policy. */
  private admits(): boolean {
    const socket = this.socket;
    if (socket.readyState !== WebSocket.OPEN) return false;
    if (socket.bufferedAmount <= this.limits.highWaterMark) return true;
    if (this.limits.slowClientPolicy === 'drop') {
      this.dropped++;
      return false;
    }
    this.close(CloseCode.TRY_AGAIN_LATER, 'client reads too slowly');
    // A client that does not read will not read the close frame either.
    setTimeout(() => socket.terminate(), SLOW_CLIENT_GRACE_MS).unref();
    return false;
  }

  /** This connection as the registry lists it. */
  describe(serverInstanceId: string): ConnectionInfo {
    return {
      id: this.id,
      serverInstanceId,
      connectTime: this.connectTime.toISOString(),
      route: this.route,
      rooms: [...this.rooms],
      metadata: this.metadata,
    };
  }

  /** The highest version of this connection seen here: what a backplane writes back after losing its state. */
  get version(): number {
    return this.versions.highest;
  }

  /** Takes a metadata update unless a newer one is already here. */
  updateMetadata(update: MetadataUpdate): void {
    if (this.versions.acceptMetadata(update.version)) this.metadata = update.metadata;
  }

  /**
   * Whether a join or leave of `room` that the registry counted as `version`
   * is newer than the last one applied here; if so, it is recorded as applied.
   */
  acceptRoomChange(room: string, version: number): boolean {
    return this.versions.acceptRoom(room, version, this.rooms);
  }

  emit(event: string, message?: unknown): boolean {
    const { bytes, binary } = encodeFrame({ kind: 'event', event, message });
    return this.write(bytes, binary);
  }

  close(code: number = CloseCode.GOING_AWAY, reason = ''): void {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) {
      this.socket.close(code, reason);
    }
  }
}
