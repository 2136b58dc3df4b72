import { ownerOf } from '../protocol/connection-id';
import { RuntimeErrorCode } from '../protocol/runtime-error-codes';
import { SwitchboardError } from '../protocol/switchboard-error';
import {
  mergeMetadata,
  withoutVersion,
  type ConnectionInfo,
  type ConnectionRecord,
  type LocalConnection,
  type MetadataUpdate,
} from './connection-info';
import type { ConnectionRegistry } from './connection-registry';
import type { RedisRegistry } from './redis-registry';

/** What the registry calls need to know of their `RedisBackplane`. */
export interface RegistryAccessHost {
  readonly nodeId: string;
  /** True while registry calls go straight to Redis. */
  isOnline(): boolean;
  /** This node's connections, as the host knows them. */
  localConnections(): LocalConnection[];
}

/**
 * The registry calls of a `RedisBackplane`, through outages. While Redis is
 * away, a write for one of this node's own connections is skipped (the
 * reconnect writes them back), a read is answered from this node's own
 * connections, and anything about another node's connection fails with an
 * error that says why.
 */
export class RedisRegistryAccess implements ConnectionRegistry {
  constructor(
    private readonly registry: RedisRegistry,
    private readonly host: RegistryAccessHost,
  ) {}

  add(record: ConnectionRecord): Promise<void> {
    return this.write(record.id, () => this.registry.add(record), undefined);
  }

  remove(id: string): Promise<void> {
    return this.write(id, () => this.registry.remove(id), undefined);
  }

  // Offline, a change is not counted (0): the owner keeps what it applied itself.
  join(id: string, room: string): Promise<number> {
    return this.write(id, () => this.registry.join(id, room), 0);
  }

  leave(id: string, room: string): Promise<number> {
    return this.write(id, () => this.registry.leave(id, room), 0);
  }

  get(id: string): Promise<ConnectionInfo | null> {
    return this.read(
      () => this.registry.get(id),
      () => this.localOrUnknown(id, 'look up', withoutVersion),
    );
  }

  all(): Promise<ConnectionInfo[]> {
    return this.read(
      () => this.registry.all(),
      () => this.host.localConnections().map(withoutVersion),
    );
  }

  members(room: string): Promise<string[]> {
    return this.read(
      () => this.registry.members(room),
      () => this.host.localConnections().flatMap((c) => (c.rooms.includes(room) ? [c.id] : [])),
    );
  }

  patch(id: string, patch: Readonly<Record<string, unknown>>): Promise<MetadataUpdate | null> {
    return this.read(
      () => this.registry.patch(id, patch),
      // Cut off from Redis, only a local connection can change; the write-back on reconnect stores it.
      () =>
        this.localOrUnknown(id, 'change', (info) => ({
          metadata: mergeMetadata(info.metadata, patch),
          version: info.version + 1,
        })),
    );
  }

  /** A registry write; while Redis is away, skipped for this node's own connections, answering `offline`. */
  private async write<T>(id: string, command: () => Promise<T>, offline: T): Promise<T> {
    if (!this.host.isOnline()) return this.unlessRemote(id, 'change', offline);
    try {
      return await command();
    } catch (error) {
      if (this.host.isOnline()) throw error;
      return this.unlessRemote(id, 'change', offline);
    }
  }

  /** A registry read; while Redis is away, answered from this node's own connections. */
  private async read<T>(query: () => Promise<T>, offline: () => T): Promise<T> {
    if (!this.host.isOnline()) return offline();
    try {
      return await query();
    } catch (error) {
      if (this.host.isOnline()) throw error;
      return offline();
    }
  }

  private unlessRemote<T>(id: string, what: string, result: T): T {
    const owner = ownerOf(id);
    if (owner !== undefined && owner !== this.host.nodeId) {
      throw new SwitchboardError(
        RuntimeErrorCode.REGISTRY_UNREACHABLE,
        `RedisBackplane: cannot ${what} connection ${id} of node ${owner} while Redis is unreachable; this node's own connections keep working`,
      );
    }
    return result;
  }

  private localOrUnknown<T>(id: string, what: string, map: (info: LocalConnection) => T): T | null {
    const local = this.host.localConnections().find((c) => c.id === id);
    if (local) return map(local);
    return this.unlessRemote(id, what, null);
  }
}
