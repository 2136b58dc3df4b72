import type { ConnectionLimits } from '../options/connection-limits';

/** The budgets a connection's frames are counted against. */
export type RateBudgets = Pick<ConnectionLimits, 'rateLimit' | 'rateBurst' | 'byteRateLimit' | 'byteBurst'>;

/**
 * Two token buckets filled by the same clock: frames (`rateLimit` a second,
 * holding at most `rateBurst`) and bytes (`byteRateLimit`, `byteBurst`). One
 * per connection; `take()` is called once per received frame. Counting bytes
 * too keeps a connection that sends few but large frames from holding the
 * server as long as a thousand small ones would.
 */
export class RateLimiter {
  private frames: number;
  private bytes: number;
  private last = Date.now();
  /** Frames refused in a row; reset by the next frame that passes. */
  refusedInARow = 0;

  constructor(private readonly budgets: RateBudgets) {
    this.frames = budgets.rateBurst;
    this.bytes = budgets.byteBurst;
  }

  /** Counts a frame of `size` bytes: undefined when it may be handled, otherwise why it may not. */
  take(size: number): string | undefined {
    const { rateLimit, rateBurst, byteRateLimit, byteBurst } = this.budgets;
    const now = Date.now();
    const elapsed = now - this.last;
    this.last = now;
    this.frames = Math.min(rateBurst, this.frames + (elapsed * rateLimit) / 1000);
    this.bytes = Math.min(byteBurst, this.bytes + (elapsed * byteRateLimit) / 1000);
    if (this.frames < 1) return this.refused('too many messages; slow down');
    if (this.bytes < size) return this.refused('too many bytes; slow down');
    this.frames -= 1;
    this.bytes -= size;
    this.refusedInARow = 0;
    return undefined;
  }

  private refused(why: string): string {
    this.refusedInARow++;
    return why;
  }
}
