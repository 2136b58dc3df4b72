import type { IncomingHttpHeaders } from 'node:http';
import { WebSocket } from 'ws';
import { encodeFrame } from '../protocol';
import type { ConnectionLimits } from '../switchboard.options';
import type { WsEmitter } from '../services/ws-emitter';
import type { ConnectionInfo } from '../backplanes/connection-info';
import { RateLimiter } from './rate-limiter';
import type { WsConnection } from './ws-connection';

/** Close codes Switchboard uses. */
export const CloseCode = {
  GOING_AWAY: 1001,
  POLICY_VIOLATION: 1008,
  MESSAGE_TOO_BIG: 1009,
  INTERNAL_ERROR: 1011,
  SERVICE_RESTART: 1012,
  TRY_AGAIN_LATER: 1013,
} as const;

/** How long a client closed for reading too slowly gets to take its close frame before the socket is cut. */
const SLOW_CLIENT_GRACE_MS = 1000;

const TEXT = { binary: false } as const;
const BINARY = { binary: true } as const;

/** How ws frames a message, as a server sends it: final, unmasked, uncompressed. */
interface FrameOptions {
  readonly fin: true;
  readonly opcode: 1 | 2;
  readonly mask: false;
  readonly readOnly: false;
  readonly rsv1: false;
}
const TEXT_FRAME: FrameOptions = { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false };
const BINARY_FRAME: FrameOptions = { fin: true, opcode: 2, mask: false, readOnly: false, rsv1: false };

// ws exports its Sender; @types/ws leaves out the static `frame()` it builds frames with.
const { Sender } = WebSocket as unknown as { Sender: { frame(data: Buffer, options: FrameOptions): Buffer[] } };

/** The ws internals the direct write path reads; `directWrites` checks their shape once per connection. */
interface WsInternals {
  readonly _socket: { write(chunk: Buffer): boolean; cork(): void; uncork(): void; readonly writableLength: number };
  readonly _sender: { readonly _state: number; readonly _queue: readonly unknown[]; readonly _firstFragment: boolean };
}
/** ws' sender state when it is not deflating or reading a Blob, so it writes synchronously. */
const SENDER_IDLE = 0;

/** True when frames may be written straight to the socket's TCP stream, past ws' sender. */
function directWrites(socket: WebSocket): boolean {
  const { _socket, _sender } = socket as unknown as Partial<WsInternals>;
  return (
    socket.extensions === '' &&
    typeof _socket?.write === 'function' &&
    typeof _socket.cork === 'function' &&
    typeof _sender?._state === 'number' &&
    Array.isArray(_sender._queue) &&
    typeof _sender._firstFragment === 'boolean'
  );
}

/**
 * Broadcasts of one event-loop turn leave in as few writes as ordering
 * allows. A connection's first broadcast frame of a tick is written at once
 * (nothing to batch yet, so nothing waits); a second one corks the TCP
 * socket, and every later frame of the tick waits there until the end of
 * the tick, then all leave in one write. A connection that got several
 * frames last tick (a busy room) corks from its first frame. Writes of any
 * other kind (ws' own sends, pings, close frames) go into the same stream,
 * so order holds. A socket holding more than this many corked bytes is
 * written at once, which bounds what a long loop of broadcasts holds back.
 */
const CORK_LIMIT = 16 * 1024;
/** Counts ticks that had broadcasts; a connection compares it with its own to know a new tick began. */
let tick = 0;
let tickEndQueued = false;
/** Connections corked this tick. */
const corked: ClientConnection[] = [];

function endTick(): void {
  tick++;
  tickEndQueued = false;
  for (let i = 0; i < corked.length; i++) corked[i].flush();
  corked.length = 0;
}

/**
 * A message framed once, however many connections it goes to. `ws.send()`
 * would build the same frame header for each receiver and write header and
 * payload as two chunks; a broadcast builds one buffer here and writes it
 * to every socket.
 */
export class PreparedFrame {
  private framed?: Buffer;

  constructor(
    /** The encoded message: JSON text or binary bytes. */
    readonly bytes: Buffer,
    readonly binary: boolean,
  ) {}

  /** Header and payload in one buffer; built on first use. */
  get wire(): Buffer {
    return (this.framed ??= Buffer.concat(Sender.frame(this.bytes, this.binary ? BINARY_FRAME : TEXT_FRAME)));
  }
}

/** What the handshake resolved for a new connection. */
export interface ConnectionInit {
  readonly id: string;
  readonly socket: WebSocket;
  readonly path: string;
  readonly route: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  readonly data: Record<string, unknown>;
  readonly remoteAddress: string | undefined;
  readonly limits: ConnectionLimits;
}

/** A live connection held by this node: the socket plus the state around it. */
export class ClientConnection implements WsConnection {
  readonly id: string;
  readonly socket: WebSocket;
  readonly path: string;
  readonly route: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  readonly headers: IncomingHttpHeaders;
  readonly data: Record<string, unknown>;
  readonly remoteAddress: string | undefined;
  readonly limits: ConnectionLimits;
  readonly connectTime = new Date();
  readonly rooms = new Set<string>();
  metadata: Readonly<Record<string, unknown>> = {};
  /** Set by each pong; cleared by each heartbeat tick. */
  alive = true;
  /** Frames dropped because the client read too slowly (policy `drop`). */
  dropped = 0;
  /** False until the `connected` frame is out and on-connect hooks ran; frames wait in `inbox`. */
  ready = false;
  /** True while the dispatcher works through `inbox`. */
  draining = false;
  readonly inbox: { data: Buffer; isBinary: boolean }[] = [];
  readonly rate: RateLimiter;
  /** The sender-bound emitter, created on the first handled frame. */
  emitter?: WsEmitter;
  /** True when `writeFrame` may bypass ws' sender (no extension negotiated, internals as expected). */
  private readonly direct: boolean;
  /** The tick (see `tick`) of this connection's last broadcast frame. */
  private lastTick = -1;
  /** Broadcast frames this connection took in its last tick. */
  private framesThisTick = 0;
  /** True when the last tick with broadcasts brought this connection several: cork from the first frame. */
  private batching = false;
  /** True while this connection's TCP socket is corked until the end of the tick. */
  private corked = false;

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
    this.limits = init.limits;
    this.rate = new RateLimiter(init.limits.rateLimit, init.limits.rateBurst);
    this.direct = directWrites(init.socket);
  }

  get protocol(): string {
    return this.socket.protocol;
  }

  /** Writes an already encoded frame; false when the socket is not open or the slow-client policy refused it. */
  write(bytes: Buffer, binary: boolean): boolean {
    if (!this.admits()) return false;
    this.socket.send(bytes, binary ? BINARY : TEXT);
    return true;
  }

  /**
   * Writes a frame prepared once for many receivers. This is the
   * per-receiver step of every broadcast, so it allocates nothing and never
   * throws. While ws' sender is idle the framed bytes go straight to the TCP
   * stream (the same bytes ws would write), batched with the tick's other
   * broadcasts (see `CORK_LIMIT`); otherwise (a send queued behind a Blob, a
   * fragmented message, an extension) `ws.send()` frames it.
   */
  writeFrame(frame: PreparedFrame): boolean {
    if (!this.admits()) return false;
    const internals = this.socket as unknown as WsInternals;
    const sender = internals._sender;
    if (!(this.direct && sender._state === SENDER_IDLE && sender._queue.length === 0 && sender._firstFragment)) {
      this.socket.send(frame.bytes, frame.binary ? BINARY : TEXT);
      return true;
    }
    if (!tickEndQueued) {
      tickEndQueued = true;
      process.nextTick(endTick);
    }
    if (this.lastTick !== tick) {
      this.batching = this.framesThisTick > 1;
      this.framesThisTick = 0;
      this.lastTick = tick;
    }
    const tcp = internals._socket;
    const frames = ++this.framesThisTick;
    if (this.corked) {
      if (tcp.writableLength > CORK_LIMIT) {
        tcp.uncork();
        tcp.cork();
      }
    } else if (frames > 1 || this.batching) {
      this.corked = true;
      tcp.cork();
      corked.push(this);
    }
    tcp.write(frame.wire);
    return true;
  }

  /** @internal End of the tick: writes what broadcasts corked. */
  flush(): void {
    if (!this.corked) return;
    this.corked = false;
    (this.socket as unknown as WsInternals)._socket.uncork();
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

  emit(event: string, message?: unknown): boolean {
    const frame = encodeFrame({ kind: 'event', event, message });
    return typeof frame === 'string' ? this.write(Buffer.from(frame), false) : this.write(frame, true);
  }

  close(code: number = CloseCode.GOING_AWAY, reason = ''): void {
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) {
      this.socket.close(code, reason);
    }
  }
}
