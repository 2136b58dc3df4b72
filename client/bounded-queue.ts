/** What a full queue does with one more item. */
export type OverflowPolicy = 'drop-newest' | 'drop-oldest';

/** The outcome of `BoundedQueue.push`. */
export interface PushResult<T> {
  /** False when the pushed item itself was refused (`drop-newest`, or a queue of size 0). */
  readonly accepted: boolean;
  /** The item that was discarded to stay within the bound, if any. */
  readonly dropped?: T;
}

/** A FIFO queue that never holds more than `maxSize` items. */
export class BoundedQueue<T> {
  private items: T[] = [];

  constructor(
    readonly maxSize: number,
    readonly overflow: OverflowPolicy,
  ) {}

  get size(): number {
    return this.items.length;
  }

  push(item: T): PushResult<T> {
    if (this.items.length < this.maxSize) {
      this.items.push(item);
      return { accepted: true };
    }
    if (this.overflow === 'drop-oldest' && this.maxSize > 0) {
      const dropped = this.items.shift();
      this.items.push(item);
      return { accepted: true, dropped };
    }
    return { accepted: false, dropped: item };
  }

  /** Removes one item (a request that timed out while queued). */
  remove(item: T): boolean {
    const index = this.items.indexOf(item);
    if (index < 0) return false;
    this.items.splice(index, 1);
    return true;
  }

  /** Empties the queue, returning its items in the order they were pushed. */
  drain(): T[] {
    const items = this.items;
    this.items = [];
    return items;
  }
}
