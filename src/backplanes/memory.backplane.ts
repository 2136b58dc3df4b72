import { Backplane } from './backplane';
import { patchEntry, type ConnectionInfo, type ConnectionRecord, type MetadataUpdate } from './connection-info';

interface Entry {
  readonly record: ConnectionRecord;
  readonly rooms: Set<string>;
  metadata: Readonly<Record<string, unknown>>;
  version: number;
}

/**
 * The shared state of memory backplanes in one process. Each backplane gets
 * its own bus by default; give several the same bus to run several nodes (for
 * example several Nest apps in one test process) as if they were a cluster.
 */
export class MemoryBus {
  /** @internal */ readonly nodes = new Map<string, MemoryBackplane>();
  /** @internal */ readonly connections = new Map<string, Entry>();
  /** @internal */ readonly rooms = new Map<string, Set<string>>();
}

/** Options of `MemoryBackplane`. */
export interface MemoryBackplaneOptions {
  /** Shared with other nodes in this process. Default: a bus of its own. */
  readonly bus?: MemoryBus;
  /** Default: a random id. */
  readonly nodeId?: string;
}

/** The default backplane: everything in this process, nothing to set up. */
export class MemoryBackplane extends Backplane {
  readonly name = 'memory';
  private readonly bus: MemoryBus;

  constructor(options: MemoryBackplaneOptions = {}) {
    super(options.nodeId);
    this.bus = options.bus ?? new MemoryBus();
  }

  override get distributed(): boolean {
    return this.bus.nodes.size > 1;
  }

  protected override async init(): Promise<void> {
    this.bus.nodes.set(this.nodeId, this);
  }

  protected override async close(): Promise<void> {
    this.bus.nodes.delete(this.nodeId);
  }

  protected publish(payload: string, node?: string): void {
    // Deliver on a later microtask, in order, as a real transport would: never
    // re-entrantly inside the sender's emit.
    for (const peer of this.bus.nodes.values()) {
      if (peer === this || (node !== undefined && peer.nodeId !== node)) continue;
      queueMicrotask(() => peer.onMessage(payload));
    }
  }

  async addConnection(record: ConnectionRecord): Promise<void> {
    this.bus.connections.set(record.id, { record, rooms: new Set(), metadata: record.metadata, version: 0 });
  }

  async removeConnection(id: string): Promise<void> {
    const entry = this.bus.connections.get(id);
    if (!entry) return;
    for (const room of entry.rooms) this.dropMember(room, id);
    this.bus.connections.delete(id);
  }

  async addToRoom(id: string, room: string): Promise<number> {
    const entry = this.bus.connections.get(id);
    if (!entry) return 0;
    entry.rooms.add(room);
    let members = this.bus.rooms.get(room);
    if (!members) this.bus.rooms.set(room, (members = new Set()));
    members.add(id);
    return ++entry.version;
  }

  async removeFromRoom(id: string, room: string): Promise<number> {
    const entry = this.bus.connections.get(id);
    entry?.rooms.delete(room);
    this.dropMember(room, id);
    return entry ? ++entry.version : 0;
  }

  async getConnection(id: string): Promise<ConnectionInfo | null> {
    const entry = this.bus.connections.get(id);
    return entry ? toInfo(entry) : null;
  }

  async getConnections(): Promise<ConnectionInfo[]> {
    return [...this.bus.connections.values()].map(toInfo);
  }

  async getRoomMembers(room: string): Promise<string[]> {
    return [...(this.bus.rooms.get(room) ?? [])];
  }

  async updateMetadata(id: string, patch: Readonly<Record<string, unknown>>): Promise<MetadataUpdate | null> {
    const entry = this.bus.connections.get(id);
    return entry ? patchEntry(entry, patch) : null;
  }

  private dropMember(room: string, id: string): void {
    const members = this.bus.rooms.get(room);
    if (!members) return;
    members.delete(id);
    if (members.size === 0) this.bus.rooms.delete(room);
  }
}

function toInfo(entry: Entry): ConnectionInfo {
  return { ...entry.record, rooms: [...entry.rooms], metadata: entry.metadata };
}
