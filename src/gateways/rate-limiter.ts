/**
 * A token bucket: `rate` tokens a second, holding at most `burst`. One per
 * connection; `take()` is called once per received frame.
 */
export class RateLimiter {
  private tokens: number;
  private last = Date.now();
  /** Frames refused in a row; reset by the next frame that passes. */
  refusedInARow = 0;

  constructor(
    private readonly rate: number,
    private readonly burst: number,
  ) {
    this.tokens = burst;
  }

  take(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.rate) / 1000);
    this.last = now;
    if (this.tokens < 1) {
      this.refusedInARow++;
      return false;
    }
    this.tokens -= 1;
    this.refusedInARow = 0;
    return true;
  }
}
