import { BoundedQueue } from './bounded-queue';
import type { ConnectionState } from './client-events';
import { ClientErrorCode, SwitchboardClientError } from './errors';
import type { ResolvedClientOptions } from './options';
import { nameOf, type Outgoing } from './outgoing';
import { PendingRequests } from './pending-requests';
import { OPEN, type WebSocketLike } from './websocket-like';
import { encodeClientFrame, type ClientFrame } from './wire';

/** What the outbox needs of its client. */
export interface OutboxLink {
  socket(): WebSocketLike | undefined;
  state(): ConnectionState;
  /** Reports an error no caller is waiting for (a dropped `emit`). */
  report(error: SwitchboardClientError): void;
}

/** What a request may add to its frame, and how it may read its reply. */
export interface RequestExtras {
  /** Top-level fields of the frame besides `event`, `message` and `id` (a rejoin's `since` and `previous`). */
  readonly fields?: Pick<ClientFrame, 'since' | 'previous'>;
  /**
   * Called with the reply the moment it is read. The promise settles a
   * microtask later, and by then `ws` may already have handed over the
   * frames that came in the same chunk (a rejoin's missed frames).
   */
  readonly onReply?: (reply: unknown) => void;
}

/**
 * The client's frames on their way out: written at once while connected,
 * held in the bounded offline queue while not, and each request tracked
 * until its reply, its timeout or the end of the client.
 */
export class Outbox {
  readonly pending = new PendingRequests();
  private readonly queue: BoundedQueue<Outgoing>;
  private nextId = 1;

  constructor(
    private readonly options: ResolvedClientOptions,
    private readonly link: OutboxLink,
  ) {
    this.queue = new BoundedQueue(options.queue.size, options.queue.overflow);
  }

  /** Frames waiting in the offline queue. */
  get size(): number {
    return this.queue.size;
  }

  /** Sends a frame (an event, or the bytes of a binary frame) that expects no reply; false when it was dropped. */
  send(frame: ClientFrame | Uint8Array): boolean {
    const out: Outgoing = { frame };
    return this.link.state() === 'connected' ? this.transmit(out) : this.enqueue(out);
  }

  /** Sends a request and tracks it (`direct`: written now, bypassing the queue, as during a rejoin). */
  request(event: string, message: unknown, timeout: number, direct: boolean, extras: RequestExtras = {}): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const out: Outgoing = { frame: { event, message, ...extras.fields, id } };
      const { onReply } = extras;
      const settle = { resolve: onReply ? (reply: unknown) => (onReply(reply), resolve(reply)) : resolve, reject };
      out.request = this.pending.add({ id, event, timeout }, settle, (request) => {
        if (request.stage === 'sent') return 'it was sent and no reply came';
        this.queue.remove(out);
        return `it was still queued, not sent (state ${this.link.state()}); it will not be sent`;
      });
      if (direct || this.link.state() === 'connected') this.transmit(out);
      else this.enqueue(out);
    });
  }

  /** Writes every queued frame, in order: the connection is back and has rejoined its rooms. */
  flush(): void {
    for (const out of this.queue.drain()) this.transmit(out);
  }

  /** Forgets every queued frame: the client closed. */
  dropQueued(): void {
    this.queue.drain();
  }

  /** Writes a frame, or queues it if the socket is not open after all. */
  private transmit(out: Outgoing): boolean {
    const socket = this.link.socket();
    if (!socket || socket.readyState !== OPEN) return this.enqueue(out);
    socket.send(out.frame instanceof Uint8Array ? out.frame : encodeClientFrame(out.frame));
    if (out.request) out.request.stage = 'sent';
    return true;
  }

  private enqueue(out: Outgoing): boolean {
    const { accepted, dropped } = this.queue.push(out);
    if (dropped) {
      const { size, overflow } = this.options.queue;
      const error = new SwitchboardClientError(
        ClientErrorCode.QUEUE_FULL,
        `the offline queue is full (size ${size}, overflow "${overflow}"): ${nameOf(dropped)} was dropped`,
      );
      if (dropped.request) this.pending.reject(dropped.request.id, error);
      else this.link.report(error);
    }
    return accepted;
  }
}
