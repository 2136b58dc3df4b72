import type { ConnectionInfo, ConnectionRecord, MetadataUpdate } from './connection-info';

/** A value now, or later: the in-process registry answers at once, the others over a wire. */
export type Awaitable<T> = T | Promise<T>;

/**
 * The cluster-wide registry of connections, their rooms and metadata that a
 * backplane keeps: in one process (`InProcessRegistry`), in the cluster
 * primary (over IPC), or in Redis. Every call is atomic on its own.
 *
 * **Versions.** A connection's version starts at 0 when it is added, and
 * every `join`, `leave` and `patch` of it adds 1, in the same atomic step
 * as the change, and returns the new number. Changes to one connection made
 * on two nodes can reach its owner in either order; the owner applies each
 * only when its version is newer than the last it applied for that room (or
 * for the metadata), so the registry's order wins everywhere. A call about
 * an unknown connection changes nothing and returns 0 (or null).
 *
 * test/backplanes/registry-contract.ts holds every implementation to this.
 */
export interface ConnectionRegistry {
  /** Records a new connection, owned by `record.serverInstanceId`, with no rooms and version 0. Adding an id again replaces it. */
  add(record: ConnectionRecord): Awaitable<void>;
  /** Forgets a connection and all its room memberships; an unknown id is not an error. */
  remove(id: string): Awaitable<void>;
  /** Puts a connection in a room; its new version, or 0 for an unknown connection (which stays out). */
  join(id: string, room: string): Awaitable<number>;
  /** Takes a connection out of a room (a room left empty disappears); its new version, or 0 for an unknown connection. */
  leave(id: string, room: string): Awaitable<number>;
  /** One connection, or null. */
  get(id: string): Awaitable<ConnectionInfo | null>;
  /** Every connection. */
  all(): Awaitable<ConnectionInfo[]>;
  /** Ids of every member of a room. */
  members(room: string): Awaitable<string[]>;
  /**
   * Merges `patch` into a connection's metadata (`mergeMetadata`: a key set
   * to null or undefined is removed) and counts a version, in one atomic
   * step; the result, or null for an unknown connection.
   */
  patch(id: string, patch: Readonly<Record<string, unknown>>): Awaitable<MetadataUpdate | null>;
  /**
   * How many connections on `route` came from client `address`, on every
   * node (the `address` each was added with). Optional: without it,
   * `maxConnectionsPerIp` is counted by each node on its own.
   */
  countFrom?(route: string, address: string): Awaitable<number>;
}
