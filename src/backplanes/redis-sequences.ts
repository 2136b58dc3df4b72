import type { Admission } from './backplane-message';

/** Sequence numbers remembered at and below the highest one taken from a node; also the largest step it may take by itself. */
export const SEQUENCE_WINDOW = 4096;
/** How long every message of a node may arrive far below its highest number before that number is given up as forged. */
export const STALE_MS = 1000;
/** Nodes tracked at once: forged node ids cost bounded memory. */
const MAX_NODES = 4096;

/** Called once each time a node's messages had been dropped as stale for `STALE_MS` and its stream is followed again. */
export type StaleReport = (node: string, dropped: number) => void;

class Stream {
  /** The highest number taken; meaningful once `confirmed`. */
  top = 0;
  confirmed = false;
  /** A number far above `top` (or the first ever seen), taken but not yet trusted to move `top`. */
  jump?: number;
  /** Which of the numbers in (top - WINDOW, top] were taken, by number modulo WINDOW. */
  readonly taken = new Uint32Array(SEQUENCE_WINDOW / 32);
  staleSince?: number;
  staleDropped = 0;

  constructor(public at: number) {}

  /** Takes `seq` inside the window: false when it was taken before. */
  mark(seq: number): boolean {
    const bit = seq % SEQUENCE_WINDOW;
    const mask = 1 << (bit & 31);
    if (this.taken[bit >>> 5] & mask) return false;
    this.taken[bit >>> 5] |= mask;
    return true;
  }

  /** Moves `top` up to `seq` (at most one window), forgetting what slides out of the window. */
  advance(seq: number): void {
    if (seq - this.top >= SEQUENCE_WINDOW) this.taken.fill(0);
    else for (let n = this.top + 1; n <= seq; n++) this.taken[(n % SEQUENCE_WINDOW) >>> 5] &= ~(1 << ((n % SEQUENCE_WINDOW) & 31));
    this.top = seq;
    this.mark(seq);
  }

  /** Starts over from `seq` as the highest number. */
  restart(seq: number): void {
    this.taken.fill(0);
    this.top = seq;
    this.confirmed = true;
    this.jump = undefined;
    this.mark(seq);
  }
}

/**
 * Drops copies by their sender's sequence number (every message carries
 * one, see `node-codec.ts`). Redis keeps one publisher's messages in order,
 * so a number at or below the highest seen from a node is a copy: a publish
 * ioredis resent after a reconnect, or a message published again by someone
 * else, which must not deliver a frame twice.
 *
 * No single message can silence a node: a number more than a window above
 * the highest (or the first from a node) is taken but moves nothing until a
 * second message follows it closely, as a real node's next message does. If
 * messages still arrive far below the highest for `STALE_MS` (the highest was
 * forged in pairs, or the node restarted with its clock behind), that is
 * reported once and the node's messages are followed again.
 */
export class SeenSequences {
  private readonly streams = new Map<string, Stream>();

  constructor(private readonly onStale: StaleReport = () => undefined) {}

  /** What to do with message `seq` of `node`: deliver it ('new'), or drop it as a copy or as stale. */
  accept(node: string, seq: number, now: number = Date.now()): Admission {
    const stream = this.streamOf(node, now);
    stream.at = now;
    if (stream.confirmed && seq > stream.top - SEQUENCE_WINDOW && seq <= stream.top + SEQUENCE_WINDOW) {
      stream.staleSince = undefined;
      if (seq > stream.top) stream.advance(seq);
      else if (!stream.mark(seq)) return 'duplicate';
      return 'new';
    }
    if (stream.confirmed && seq <= stream.top) return this.stale(node, stream, seq, now);
    // Far above the highest, or the first heard: trusted once the next message follows it within a window.
    if (seq === stream.jump) return 'duplicate';
    if (stream.jump !== undefined && seq > stream.jump && seq - stream.jump <= SEQUENCE_WINDOW) {
      const jump = stream.jump;
      stream.restart(seq);
      stream.mark(jump);
    } else {
      stream.jump = seq;
    }
    return 'new';
  }

  /** Forgets nodes not heard from for `ms`, so nodes that come and go cost no memory for ever. */
  forgetIdle(ms: number, now: number = Date.now()): void {
    const before = now - ms;
    for (const [node, stream] of this.streams) if (stream.at < before) this.streams.delete(node);
  }

  private streamOf(node: string, now: number): Stream {
    let stream = this.streams.get(node);
    if (!stream) {
      // Past the limit the longest-tracked node goes: at worst it is treated as newly heard.
      if (this.streams.size >= MAX_NODES) this.streams.delete(this.streams.keys().next().value as string);
      this.streams.set(node, (stream = new Stream(now)));
    }
    return stream;
  }

  private stale(node: string, stream: Stream, seq: number, now: number): Admission {
    stream.staleSince ??= now;
    if (now - stream.staleSince < STALE_MS) {
      stream.staleDropped++;
      return 'stale';
    }
    this.onStale(node, stream.staleDropped);
    stream.staleSince = undefined;
    stream.staleDropped = 0;
    stream.restart(seq);
    return 'new';
  }
}
