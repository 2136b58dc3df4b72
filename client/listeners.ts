/** An ordered list of callbacks for one event; `once` entries remove themselves after their first call. */
export class Listeners<A extends unknown[]> {
  private entries: { readonly fn: (...args: A) => void; readonly once: boolean }[] = [];

  get size(): number {
    return this.entries.length;
  }

  /** Adds a callback; returns a function that removes it. */
  add(fn: (...args: A) => void, once = false): () => void {
    const entry = { fn, once };
    this.entries = [...this.entries, entry];
    return () => {
      this.entries = this.entries.filter((e) => e !== entry);
    };
  }

  /** Removes every registration of `fn`, or all callbacks when `fn` is omitted. */
  delete(fn?: (...args: A) => void): void {
    this.entries = fn ? this.entries.filter((e) => e.fn !== fn) : [];
  }

  /**
   * Calls each callback in the order added. One that throws does not stop
   * the others: its error goes to `onThrow`.
   */
  emit(args: A, onThrow: (error: unknown) => void): void {
    const snapshot = this.entries;
    if (snapshot.some((e) => e.once)) this.entries = snapshot.filter((e) => !e.once);
    for (const entry of snapshot) {
      try {
        entry.fn(...args);
      } catch (error) {
        onThrow(error);
      }
    }
  }
}
