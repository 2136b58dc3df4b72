/**
 * Names of the Redis keys and channels of one deployment, all under one
 * prefix. The Lua scripts (redis-scripts.ts) build the same names from the
 * prefix; change both together.
 *
 * | key | type | holds |
 * |---|---|---|
 * | `<p>conn:<id>` | hash | `id`, `node`, `connectTime`, `route`, `address` (of the client, when known), `version` (of its rooms and metadata), and `m:<key>` = JSON of each metadata value |
 * | `<p>conn:<id>:rooms` | set | the rooms of a connection |
 * | `<p>room:<room>` | set | the ids of a room's members |
 * | `<p>conns` | set | every connection id |
 * | `<p>addr:<address> <route>` | set | the ids of the connections on a route from one client address |
 * | `<p>node:<node>` | string, TTL | the node's heartbeat: Redis' clock, in ms, at its last beat |
 * | `<p>node:<node>:conns` | set | the ids of the connections a node holds |
 * | `<p>nodes` | set | every node that has a heartbeat, or had one until reaped |
 * | `<p>hist:<room>` | stream, TTL | a history room's kept publications (see redis-history.ts) |
 * | `<p>hist-meta:<room>` | hash, TTL | a history room's `epoch`, `top` offset, and `n:<node>` sequence numbers |
 *
 * Channels: `<p>all` carries broadcasts, `<p>to:<node>` what is for one node,
 * `<p>probe:<node>` the node's probes to itself (see `PubSubProbe`),
 * `<p>history` the numbered publications of history rooms.
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  /** The broadcast channel. */
  get broadcast(): string {
    return `${this.prefix}all`;
  }

  /** The channel of one node. */
  direct(node: string): string {
    return `${this.prefix}to:${node}`;
  }

  /** The channel of history rooms' numbered publications, which every node listens to. */
  get history(): string {
    return `${this.prefix}history`;
  }

  /** The channel of one node's liveness probe. */
  probe(node: string): string {
    return `${this.prefix}probe:${node}`;
  }

  conn(id: string): string {
    return `${this.prefix}conn:${id}`;
  }

  connRooms(id: string): string {
    return `${this.prefix}conn:${id}:rooms`;
  }

  conns(): string {
    return `${this.prefix}conns`;
  }

  nodeConns(node: string): string {
    return `${this.prefix}node:${node}:conns`;
  }

  room(room: string): string {
    return `${this.prefix}room:${room}`;
  }

  /** The connections on `route` from client `address` (an address has no space, so the pair reads back one way only). */
  address(route: string, address: string): string {
    return `${this.prefix}addr:${address} ${route}`;
  }

  /** Hash field of one metadata key. */
  static metaField(key: string): string {
    return `m:${key}`;
  }
}
