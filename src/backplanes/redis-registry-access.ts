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
import { bounded } from './redis-client-wait';
import type { RedisRegistry } from './redis-registry';

/** What the registry calls need to know of their `RedisBackplane`. */
export interface RegistryAccessHost {
  readonly nodeId: string;
  /** True while registry calls go straight to Redis. */
  isOnline(): boolean;
  /** This node's connections, as the host knows them. */
  localConnections(): LocalConnection[];
  /** How long a call waits for Redis, in ms. */
  readonly requestTimeout: number;
}

/**
 * The registry calls of a `RedisBackplane`, through outages and stalls. While
 * Redis is away, or once a call got no answer within `requestTimeout`, a
 * write for one of this node's own connections is skipped (the reconnect
 * writes them back), a read is answered from this node's own connections,
 * and anything about another node's connection fails with an error that
 * says why (`SB_REGISTRY_UNREACHABLE`, or `SB_REGISTRY_TIMEOUT`).
 */
export class RedisRegistryAccess implements ConnectionRegistry {
  constructor(
    private readonly registry: RedisRegistry,
    private readonly host: RegistryAccessHost,
  ) {}

  add(record: ConnectionRecord): Promise<void> {
    return this.write(record.id, `add connection ${record.id}`, () => this.registry.add(record), undefined);
  }

  remove(id: string): Promise<void> {
    return this.write(id, `remove connection ${id}`, () => this.registry.remove(id), undefined);
  }

  // Offline, a change is not counted (0): the owner keeps what it applied itself.
  join(id: string, room: string): Promise<number> {
    return this.write(id, `add connection ${id} to room ${room}`, () => this.registry.join(id, room), 0);
  }

  leave(id: string, room: string): Promise<number> {
    return this.write(id, `take connection ${id} out of room ${room}`, () => this.registry.leave(id, room), 0);
  }

  get(id: string): Promise<ConnectionInfo | null> {
    return this.read(
      `look up connection ${id}`,
      () => this.registry.get(id),
      (cause) => this.localOrUnknown(id, 'look up', withoutVersion, cause),
    );
  }

  all(): Promise<ConnectionInfo[]> {
    return this.read(
      'list every connection',
      () => this.registry.all(),
      () => this.host.localConnections().map(withoutVersion),
    );
  }

  members(room: string): Promise<string[]> {
    return this.read(
      `list the members of room ${room}`,
      () => this.registry.members(room),
      () => this.host.localConnections().flatMap((c) => (c.rooms.includes(room) ? [c.id] : [])),
    );
  }

  countFrom(route: string, address: string): Promise<number> {
    return this.read(
      `count the connections on ${route} from ${address}`,
      () => this.registry.countFrom(route, address),
      () => this.host.localConnections().filter((c) => c.route === route && c.address === address).length,
    );
  }

  patch(id: string, patch: Readonly<Record<string, unknown>>): Promise<MetadataUpdate | null> {
    return this.read(
      `change the metadata of connection ${id}`,
      () => this.registry.patch(id, patch),
      // Cut off from Redis, only a local connection can change; the write-back on reconnect stores it.
      (cause) =>
        this.localOrUnknown(id, 'change', (info) => ({ metadata: mergeMetadata(info.metadata, patch), version: info.version + 1 }), cause),
    );
  }

  /** A registry write; while Redis is away or slow, skipped for this node's own connections, answering `offline`. */
  private async write<T>(id: string, what: string, command: () => Promise<T>, offline: T): Promise<T> {
    return this.read(what, command, (cause) => this.unlessRemote(id, 'change', offline, cause));
  }

  /** A registry read; while Redis is away, or past `requestTimeout`, answered by `offline` (given the timeout, if that was why). */
  private async read<T>(what: string, query: () => Promise<T>, offline: (cause?: SwitchboardError) => T): Promise<T> {
    if (!this.host.isOnline()) return offline();
    try {
      return await bounded(query(), `asking Redis to ${what}`, this.host.requestTimeout, RuntimeErrorCode.REGISTRY_TIMEOUT);
    } catch (error) {
      if (error instanceof SwitchboardError && error.code === RuntimeErrorCode.REGISTRY_TIMEOUT) return offline(error);
      if (this.host.isOnline()) throw error;
      return offline();
    }
  }

  /** `result`, unless `id` belongs to another node: then an error, `cause` if Redis timed out. */
  private unlessRemote<T>(id: string, what: string, result: T, cause?: SwitchboardError): T {
    const owner = ownerOf(id);
    if (owner !== undefined && owner !== this.host.nodeId) {
      throw new SwitchboardError(
        cause?.code ?? RuntimeErrorCode.REGISTRY_UNREACHABLE,
        `RedisBackplane: cannot ${what} connection ${id} of node ${owner}` +
          `${cause ? `: ${cause.message}` : ' while Redis is unreachable'}; this node's own connections keep working`,
      );
    }
    return result;
  }

  private localOrUnknown<T>(id: string, what: string, map: (info: LocalConnection) => T, cause?: SwitchboardError): T | null {
    const local = this.host.localConnections().find((c) => c.id === id);
    if (local) return map(local);
    return this.unlessRemote(id, what, null, cause);
  }
}
