import { mergeMetadata, type ConnectionInfo, type ConnectionRecord, type MetadataUpdate } from './connection-info';
import type { ConnectionRegistry } from './connection-registry';

interface Entry {
  readonly record: ConnectionRecord;
  readonly node: string;
  readonly rooms: Set<string>;
  metadata: Readonly<Record<string, unknown>>;
  version: number;
}

/**
 * The registry kept in one process: connections, rooms, metadata and each
 * connection's version, indexed by the node that owns each connection so a
 * dead node's entries go in one call. The memory backplanes of one
 * `MemoryBus` share one, and a cluster's primary keeps one for its
 * `ClusterIpcBackplane` workers. Nothing in it awaits, so every operation
 * is atomic.
 */
export class InProcessRegistry implements ConnectionRegistry {
  private readonly connections = new Map<string, Entry>();
  private readonly rooms = new Map<string, Set<string>>();
  private readonly byNode = new Map<string, Set<string>>();
  /** Ids by `addressKey(route, address)`. */
  private readonly byAddress = new Map<string, Set<string>>();

  /** How many connections the registry lists. */
  get size(): number {
    return this.connections.size;
  }

  add(record: ConnectionRecord): void {
    const node = record.serverInstanceId;
    this.remove(record.id);
    this.connections.set(record.id, { record, node, rooms: new Set(), metadata: record.metadata, version: 0 });
    addTo(this.byNode, node, record.id);
    if (record.address !== undefined) addTo(this.byAddress, addressKey(record.route, record.address), record.id);
  }

  remove(id: string): void {
    const entry = this.connections.get(id);
    if (!entry) return;
    for (const room of entry.rooms) this.dropMember(room, id);
    this.connections.delete(id);
    deleteFrom(this.byNode, entry.node, id);
    if (entry.record.address !== undefined) deleteFrom(this.byAddress, addressKey(entry.record.route, entry.record.address), id);
  }

  /** Removes every connection a node owned; returns how many there were. */
  removeNode(node: string): number {
    const owned = [...(this.byNode.get(node) ?? [])];
    for (const id of owned) this.remove(id);
    return owned.length;
  }

  /** Puts a connection in a room; its new version, or 0 for an unknown id. */
  join(id: string, room: string): number {
    const entry = this.connections.get(id);
    if (!entry) return 0;
    entry.rooms.add(room);
    let members = this.rooms.get(room);
    if (!members) this.rooms.set(room, (members = new Set()));
    members.add(id);
    return ++entry.version;
  }

  /** Takes a connection out of a room; its new version, or 0 for an unknown id. */
  leave(id: string, room: string): number {
    const entry = this.connections.get(id);
    entry?.rooms.delete(room);
    this.dropMember(room, id);
    return entry ? ++entry.version : 0;
  }

  get(id: string): ConnectionInfo | null {
    const entry = this.connections.get(id);
    return entry ? toInfo(entry) : null;
  }

  all(): ConnectionInfo[] {
    return [...this.connections.values()].map(toInfo);
  }

  members(room: string): string[] {
    return [...(this.rooms.get(room) ?? [])];
  }

  countFrom(route: string, address: string): number {
    return this.byAddress.get(addressKey(route, address))?.size ?? 0;
  }

  /** Merges `patch` into the metadata (`mergeMetadata`) and counts the change; null for an unknown id. */
  patch(id: string, patch: Readonly<Record<string, unknown>>): MetadataUpdate | null {
    const entry = this.connections.get(id);
    if (!entry) return null;
    entry.metadata = mergeMetadata(entry.metadata, patch);
    return { metadata: entry.metadata, version: ++entry.version };
  }

  private dropMember(room: string, id: string): void {
    deleteFrom(this.rooms, room, id);
  }
}

/** The address first: an IP address has no space, so no two (route, address) pairs share a key. */
const addressKey = (route: string, address: string): string => `${address} ${route}`;

function addTo(index: Map<string, Set<string>>, key: string, id: string): void {
  let ids = index.get(key);
  if (!ids) index.set(key, (ids = new Set()));
  ids.add(id);
}

/** Takes `id` out of the set at `key`; a set left empty goes, so the index holds only what is connected. */
function deleteFrom(index: Map<string, Set<string>>, key: string, id: string): void {
  const ids = index.get(key);
  if (!ids) return;
  ids.delete(id);
  if (ids.size === 0) index.delete(key);
}

function toInfo({ record: { address: _, ...record }, rooms, metadata }: Entry): ConnectionInfo {
  return { ...record, rooms: [...rooms], metadata };
}
