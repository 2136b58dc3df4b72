import { backoffDelay } from './backoff';
import type { ReconnectOptions } from './options';

/** Counts reconnect attempts and says how long to wait before the next one, or that it is time to give up. */
export class ReconnectAttempts {
  private count = 0;

  constructor(private readonly options: ReconnectOptions) {}

  /** The number of the attempt in progress (0 before the first). */
  get current(): number {
    return this.count;
  }

  /**
   * After a close: the next attempt's number and delay, or undefined past
   * `maxAttempts`. A connection that lived `stableAfter` ms starts the count
   * over; after a prompt close (1001, 1012) the first attempt waits only a
   * random part of `promptDelay`, so a restarted server is not hit by every
   * client at once.
   */
  next(openedAt: number | undefined, prompt: boolean): { readonly attempt: number; readonly delay: number } | undefined {
    if (openedAt !== undefined && Date.now() - openedAt >= this.options.stableAfter) this.count = 0;
    this.count++;
    if (this.count > this.options.maxAttempts) return undefined;
    const delay =
      prompt && this.count === 1 ? Math.floor(Math.random() * this.options.promptDelay) : backoffDelay(this.count, this.options);
    return { attempt: this.count, delay };
  }
}
