/**
 * Remembers the highest sequence number seen from each node (every message
 * carries its sender's, see `node-codec.ts`). Redis keeps one publisher's
 * messages in order, so anything at or below it is a copy: a publish that
 * ioredis resent after a reconnect, which must not deliver a frame twice.
 */
export class SeenSequences {
  private readonly last = new Map<string, { seq: number; at: number }>();

  /** True the first time a (node, seq) arrives in order; false for a copy. */
  accept(node: string, seq: number): boolean {
    const seen = this.last.get(node);
    if (seen && seq <= seen.seq) return false;
    this.last.set(node, { seq, at: Date.now() });
    return true;
  }

  /** Forgets nodes not heard from for `ms`, so nodes that come and go cost no memory for ever. */
  forgetIdle(ms: number): void {
    const before = Date.now() - ms;
    for (const [node, seen] of this.last) if (seen.at < before) this.last.delete(node);
  }
}
