/** How the client waits between reconnection attempts. */
export interface BackoffOptions {
  /** Upper bound of the first retry's delay, in ms. Default 500. */
  readonly initialDelay: number;
  /** The most any retry waits, in ms. Default 10 000. */
  readonly maxDelay: number;
  /** How much the upper bound grows with each failed attempt. Default 2. */
  readonly factor: number;
}

/**
 * Exponential backoff with full jitter: attempt n waits a uniformly random
 * time in [0, min(maxDelay, initialDelay × factor^(n-1))). Randomising the
 * whole interval spreads out clients that lost the same server at once, so
 * they do not all come back in the same instant.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxDelay, options.initialDelay * options.factor ** Math.max(0, attempt - 1));
  return Math.floor(random() * ceiling);
}
