import { within, type WaitDescription } from './wait';

/**
 * The waits of one record that grows (frames received, events printed, log
 * lines): each wait looks now, and again every time the record's owner calls
 * `wake()` after a change, until it finds what it waits for, learns that it
 * can no longer come, or runs out of time.
 */
export class Waiters {
  private readonly pending = new Set<() => void>();

  /** Looks again for every pending wait; call it after each change to the record. */
  wake(): void {
    for (const check of [...this.pending]) check();
  }

  /**
   * Resolves with the first value other than `undefined` that `find` returns,
   * now or after a `wake()`. Rejects as soon as `ended` returns a reason (the
   * source is gone: a closed socket, an exited process), or after `ms` with a
   * message that says `what` was awaited. `find` is not called again once the
   * wait is over, so it may consume what it found.
   */
  until<T>(find: () => T | undefined, ms: number, what: WaitDescription, ended?: () => string | undefined): Promise<T> {
    let check = (): void => undefined;
    const found = new Promise<T>((resolve, reject) => {
      check = () => {
        const hit = find();
        const reason = hit === undefined ? ended?.() : undefined;
        if (hit === undefined && reason === undefined) return;
        this.pending.delete(check);
        if (hit !== undefined) resolve(hit);
        else reject(new Error(reason));
      };
    });
    this.pending.add(check);
    check();
    return within(found, ms, what).finally(() => this.pending.delete(check));
  }
}
