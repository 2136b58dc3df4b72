import type { FrameId } from '../protocol';
import { RateLimiter, type RateBudgets } from './rate-limiter';

/** A frame waiting for its handler, or a refusal of the flow limits made before `connected` was out. */
export type InboxEntry = { readonly data: Buffer; readonly isBinary: boolean } | { readonly refused: string; readonly id?: FrameId };

/**
 * What the dispatcher keeps for one connection: its frames waiting for their
 * handlers, in arrival order, its rate limiter, and whether it may be
 * drained yet (`ready`) and is being drained now (`draining`).
 */
export class FrameInbox {
  readonly frames: InboxEntry[] = [];
  readonly rate: RateLimiter;
  /** False until the `connected` frame is out and on-connect hooks ran; frames wait meanwhile. */
  ready = false;
  /** True while the dispatcher works through `frames`. */
  draining = false;
  /** True while the socket is paused: more frames wait than one slice takes, or it read a slice's bytes this turn (see `MessageDispatcher`). */
  paused = false;
  /** True from a pause until the next turn of the event loop: reading resumes no sooner. */
  waitingTurn = false;
  /** Bytes read since reading last resumed. */
  readBytes = 0;
  /** Frames answered with an error before reaching a handler (bad, unknown, refused), counted so a slice can end at one. */
  refusals = 0;

  constructor(limits: RateBudgets) {
    this.rate = new RateLimiter(limits);
  }

  /** The connection closed: nothing waiting is handled any more. */
  close(): void {
    this.ready = false;
    this.frames.length = 0;
  }
}
