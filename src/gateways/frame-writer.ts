// The broadcast write path: a frame is built once per broadcast and written
// to each receiver's TCP stream, batched per event-loop tick.
import type { WebSocket } from 'ws';
import type { PreparedFrame } from '../services/prepared-frame';

/** `ws.send()` options, shared so the fallback path allocates nothing either. */
const SEND_TEXT = { binary: false } as const;
const SEND_BINARY = { binary: true } as const;

/** The ws internals the direct write path reads; `directWrites` checks their shape once per socket. */
interface WsInternals {
  readonly _socket: { write(chunk: Buffer): boolean; cork(): void; uncork(): void; readonly writableLength: number };
  readonly _sender: { readonly _state: number; readonly _queue: readonly unknown[]; readonly _firstFragment: boolean };
}
/** ws' sender state when it is not deflating or reading a Blob, so it writes synchronously. */
export const SENDER_IDLE = 0;

/**
 * What of the ws internals the direct write path reads is not as expected on
 * this socket; empty when every part is. ws is pinned to an exact version
 * and test/core/ws-internals.spec.ts runs this on a real socket, so an
 * upgrade that changes them fails a test instead of silently taking the
 * slower path.
 */
export function wsInternalsMismatch(socket: WebSocket): string[] {
  const { _socket, _sender } = socket as unknown as Partial<WsInternals>;
  const expected: [string, boolean][] = [
    ['_socket.write()', typeof _socket?.write === 'function'],
    ['_socket.cork()', typeof _socket?.cork === 'function'],
    ['_socket.uncork()', typeof _socket?.uncork === 'function'],
    ['_socket.writableLength', typeof _socket?.writableLength === 'number'],
    ['_sender._state', typeof _sender?._state === 'number'],
    ['_sender._queue', Array.isArray(_sender?._queue)],
    ['_sender._firstFragment', typeof _sender?._firstFragment === 'boolean'],
  ];
  return expected.filter(([, ok]) => !ok).map(([part]) => part);
}

/** True when frames may be written straight to the socket's TCP stream, past ws' sender. */
function directWrites(socket: WebSocket): boolean {
  return socket.extensions === '' && wsInternalsMismatch(socket).length === 0;
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
/** Writers corked this tick. */
const corked: FrameWriter[] = [];

function endTick(): void {
  tick++;
  tickEndQueued = false;
  for (let i = 0; i < corked.length; i++) corked[i].flush();
  corked.length = 0;
}

/**
 * Writes one connection's broadcast frames. While ws' sender is idle the
 * framed bytes go straight to the TCP stream (the same bytes ws would
 * write), batched with the tick's other broadcasts (see `CORK_LIMIT`);
 * otherwise (a send queued behind a Blob, a fragmented message, an
 * extension) `ws.send()` frames it.
 */
export class FrameWriter {
  /** True when writes may bypass ws' sender (no extension negotiated, internals as expected). */
  private readonly direct: boolean;
  /** The tick (see `tick`) of this socket's last broadcast frame. */
  private lastTick = -1;
  /** Broadcast frames this socket took in its last tick. */
  private framesThisTick = 0;
  /** True when the last tick with broadcasts brought this socket several: cork from the first frame. */
  private batching = false;
  /** True while the TCP socket is corked until the end of the tick. */
  private corked = false;

  constructor(private readonly socket: WebSocket) {
    this.direct = directWrites(socket);
  }

  /** Writes `frame`; the caller has checked the socket is open and may take it. */
  write(frame: PreparedFrame): void {
    const internals = this.socket as unknown as WsInternals;
    const sender = internals._sender;
    if (!(this.direct && sender._state === SENDER_IDLE && sender._queue.length === 0 && sender._firstFragment)) {
      this.socket.send(frame.bytes, frame.binary ? SEND_BINARY : SEND_TEXT);
      return;
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
  }

  /** End of the tick: writes what broadcasts corked. */
  flush(): void {
    if (!this.corked) return;
    this.corked = false;
    (this.socket as unknown as WsInternals)._socket.uncork();
  }
}
