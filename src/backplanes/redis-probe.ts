/**
 * A liveness probe on the pub/sub path, as Centrifugo has: the node publishes
 * a numbered probe on a channel only it listens on and expects it back within
 * a bound. A Redis that is paused (`CLIENT PAUSE`), stopped (SIGSTOP) or
 * swamped keeps its TCP connections open, so ioredis never reports it; only a
 * round trip through Redis does.
 */
export class PubSubProbe {
  private sent = 0;
  private waiting?: { readonly payload: string; readonly timer: NodeJS.Timeout };

  /**
   * @param send publishes a probe on the node's probe channel.
   * @param timeout how long a probe may take to come back, in ms.
   * @param onStall called once per probe that did not come back in time.
   */
  constructor(
    private readonly send: (payload: string) => Promise<unknown>,
    private readonly timeout: number,
    private readonly onStall: () => void,
  ) {}

  /** True while a probe is on its way. */
  get pending(): boolean {
    return this.waiting !== undefined;
  }

  /** Sends a probe, unless one is still on its way: one late probe is one stall, not one per interval. */
  ping(): void {
    if (this.waiting) return;
    const payload = String(++this.sent);
    const timer = setTimeout(this.onStall, this.timeout);
    timer.unref();
    this.waiting = { payload, timer };
    // A publish cut off by a dropped connection: the client's 'close' reports that, and `reset` follows.
    this.send(payload).catch(() => undefined);
  }

  /** A probe came back; true when it was the one awaited (an older one, from before a `reset`, is not). */
  received(payload: string): boolean {
    if (payload !== this.waiting?.payload) return false;
    this.reset();
    return true;
  }

  /** Forgets the probe on its way (the connection dropped under it, or the node stops); the next `ping` sends a new one. */
  reset(): void {
    clearTimeout(this.waiting?.timer);
    this.waiting = undefined;
  }
}
