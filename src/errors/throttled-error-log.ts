import type { LoggerService } from '@nestjs/common';
import { stackOf } from './stack-of';

/** How long one kind of error is logged only once, in ms. */
export const ERROR_LOG_INTERVAL_MS = 60_000;
/** How many kinds are tracked at once; past it, new kinds share one count. */
const MAX_KINDS = 100;
const OTHER = 'other errors';

interface Quiet {
  /** Errors of the kind not logged since the first. */
  suppressed: number;
  readonly timer: NodeJS.Timeout;
}

/**
 * Logs the first error of each kind with its stack, then only counts that
 * kind until `intervalMs` has passed, and logs the count. For errors a
 * client can cause at will (an auth library that throws on a malformed
 * token): each is still answered, but a flood of them costs a few log lines
 * a minute, not one stack trace per attempt.
 */
export class ThrottledErrorLog {
  private readonly quiet = new Map<string, Quiet>();

  constructor(
    private readonly logger: Pick<LoggerService, 'error'>,
    private readonly intervalMs: number = ERROR_LOG_INTERVAL_MS,
  ) {}

  /** Logs `message` with `error`'s stack, unless an error of `kind` was logged within the interval. */
  error(kind: string, message: string, error: unknown): void {
    const key = this.quiet.has(kind) || this.quiet.size < MAX_KINDS ? kind : OTHER;
    const quiet = this.quiet.get(key);
    if (quiet) {
      quiet.suppressed++;
      return;
    }
    this.logger.error(`${message} (errors like it are counted, not logged, for the next ${this.intervalMs / 1000} s)`, stackOf(error));
    const timer = setTimeout(() => this.summarize(key), this.intervalMs);
    timer.unref();
    this.quiet.set(key, { suppressed: 0, timer });
  }

  /** Logs the counts still open and stops the timers. */
  close(): void {
    for (const [kind, quiet] of this.quiet) {
      clearTimeout(quiet.timer);
      this.summarize(kind);
    }
  }

  private summarize(kind: string): void {
    const quiet = this.quiet.get(kind);
    this.quiet.delete(kind);
    if (quiet && quiet.suppressed > 0) this.logger.error(`${kind}: ${quiet.suppressed} more since the one logged, not logged one by one`);
  }
}
