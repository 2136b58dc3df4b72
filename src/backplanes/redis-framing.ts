/**
 * What travels on a Redis channel: `<node>.<seq>|<envelope>`. Each node
 * numbers its publishes; the header lets a receiver skip its own echoes
 * without parsing them and drop a message it already had (a publish resent
 * after a reconnect), so a Redis outage never duplicates a frame.
 */
export function frameMessage(node: string, seq: number, payload: string): string {
  return `${node}.${seq}|${payload}`;
}

/** The parts of a framed message; undefined for anything without a valid header. */
export function parseFrame(raw: string): { node: string; seq: number; payload: string } | undefined {
  const bar = raw.indexOf('|');
  if (bar < 0 || bar > 64) return undefined;
  const dot = raw.lastIndexOf('.', bar);
  if (dot <= 0) return undefined;
  const seq = Number(raw.slice(dot + 1, bar));
  if (!Number.isSafeInteger(seq) || seq <= 0) return undefined;
  return { node: raw.slice(0, dot), seq, payload: raw.slice(bar + 1) };
}

/**
 * Remembers the highest sequence number seen from each node. Redis keeps
 * one publisher's messages in order, so anything at or below it is a copy.
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
