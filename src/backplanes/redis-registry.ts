import type { Redis } from 'ioredis';
import type { ConnectionInfo, ConnectionRecord, LocalConnection, MetadataUpdate } from './connection-info';
import { decodeConnection, decodeMetadata, metadataFields, pairsToHash, recordArgs, resyncEntry } from './redis-codec';
import type { RedisKeys } from './redis-keys';
import * as Lua from './redis-scripts';

/** What one heartbeat found. */
export interface TickResult {
  /** False when this node's heartbeat had expired: Redis lost its data, or the node was reaped. */
  readonly wasAlive: boolean;
  /** Connections of dead nodes this heartbeat removed. */
  readonly reaped: number;
  /** The nodes with a live heartbeat, this one included. */
  readonly live: readonly string[];
}

/**
 * The connection registry in Redis: every change is one atomic Lua script,
 * every read one round trip. Knows the commands, not the connection state;
 * `RedisBackplane` decides when Redis may be asked.
 */
export class RedisRegistry {
  constructor(
    private readonly client: Redis,
    private readonly keys: RedisKeys,
  ) {}

  async add(record: ConnectionRecord): Promise<void> {
    await this.eval(Lua.ADD_CONNECTION, ...recordArgs(record));
  }

  async remove(id: string): Promise<void> {
    await this.eval(Lua.REMOVE_CONNECTION, id);
  }

  /** Puts a connection in a room; its new version, or 0 for an unknown connection. */
  async join(id: string, room: string): Promise<number> {
    return Number(await this.eval(Lua.ADD_TO_ROOM, id, room));
  }

  /** Takes a connection out of a room; its new version, or 0 for an unknown connection. */
  async leave(id: string, room: string): Promise<number> {
    return Number(await this.eval(Lua.REMOVE_FROM_ROOM, id, room));
  }

  async get(id: string): Promise<ConnectionInfo | null> {
    const replies = (await this.client.multi().hgetall(this.keys.conn(id)).smembers(this.keys.connRooms(id)).exec()) ?? [];
    return decodeConnection((replies[0]?.[1] ?? {}) as Record<string, string>, (replies[1]?.[1] ?? []) as string[]);
  }

  async all(): Promise<ConnectionInfo[]> {
    const ids = await this.client.smembers(this.keys.conns());
    const pipeline = this.client.pipeline();
    for (const id of ids) pipeline.hgetall(this.keys.conn(id)).smembers(this.keys.connRooms(id));
    const replies = (await pipeline.exec()) ?? [];
    const infos: ConnectionInfo[] = [];
    for (let i = 0; i < ids.length; i++) {
      // A connection removed between the two round trips has an empty hash: left out.
      const info = decodeConnection((replies[2 * i]?.[1] ?? {}) as Record<string, string>, (replies[2 * i + 1]?.[1] ?? []) as string[]);
      if (info) infos.push(info);
    }
    return infos;
  }

  members(room: string): Promise<string[]> {
    return this.client.smembers(this.keys.room(room));
  }

  countFrom(route: string, address: string): Promise<number> {
    return this.client.scard(this.keys.address(route, address));
  }

  /** Merges `patch` (an undefined value deletes the key); the metadata after it, or null for an unknown connection. */
  async patch(id: string, patch: Readonly<Record<string, unknown>>): Promise<MetadataUpdate | null> {
    const result = (await this.eval(Lua.PATCH_METADATA, id, ...metadataFields(patch))) as [number, ...unknown[]] | null;
    if (!result) return null;
    const [version, ...pairs] = result;
    return { metadata: decodeMetadata(pairsToHash(pairs)), version: Number(version) };
  }

  /**
   * Renews `node`'s heartbeat for `ttl` ms and reaps the nodes whose heartbeat
   * expired, if `node`'s previous beat is at most `reapGap` ms old by Redis' clock.
   */
  async tick(node: string, ttl: number, reapGap: number): Promise<TickResult> {
    const [wasAlive, reaped, ...live] = (await this.eval(Lua.TICK, node, ttl, reapGap)) as [number, number, ...string[]];
    return { wasAlive: wasAlive === 1, reaped, live };
  }

  /** Writes `node`'s connections as given and removes its others; renews its heartbeat. */
  async resync(node: string, ttl: number, connections: readonly LocalConnection[]): Promise<{ written: number; removed: number }> {
    const [written, removed] = (await this.eval(Lua.RESYNC_NODE, node, ttl, JSON.stringify(connections.map(resyncEntry)))) as [
      number,
      number,
    ];
    return { written, removed };
  }

  /** Removes `node`, its heartbeat and everything it held. */
  async removeNode(node: string): Promise<void> {
    await this.eval(Lua.REMOVE_NODE, node);
  }

  /**
   * EVAL, not EVALSHA: after a Redis restart the script cache is empty, and a
   * NOSCRIPT retry would run the script after commands sent later.
   */
  private eval(script: string, ...args: (string | number)[]): Promise<unknown> {
    return this.client.eval(script, 0, this.keys.prefix, ...args);
  }
}
