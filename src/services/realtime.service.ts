import { Inject, Injectable } from '@nestjs/common';
import { Backplane, type BackplaneStatus } from '../backplanes/backplane';
import { CloseCode } from '../protocol/close-codes';
import { RuntimeErrorCode } from '../protocol/runtime-error-codes';
import { SwitchboardError } from '../protocol/switchboard-error';
import type { ConnectionInfo } from '../backplanes/connection-info';
import { Fanout } from './fanout';
import { LocalHub } from './local-hub';
import { Membership } from './membership';
import { metadataPatchProblem } from './metadata-patch';

/** Options of `emitToRoom()`. */
export interface EmitToRoomOptions {
  /** A connection id that must not receive the frame. */
  readonly except?: string;
  /** In a history room: do not keep this frame (no offset, not recovered, at most once); see `RoomEmitter.volatile`. Default false. */
  readonly volatile?: boolean;
}

/** What `status()` reports about this node. */
export interface RealtimeStatus {
  readonly serverInstanceId: string;
  readonly localConnections: number;
  readonly backplane: BackplaneStatus;
}

/**
 * The realtime API for any code: HTTP controllers, jobs, other services.
 * Every call works on connections held by any node. Sends are server
 * originated (no `sender`) and resolve to the number of connections reached:
 * exact on one node, and on several nodes as many as the registry lists.
 */
@Injectable()
export class RealtimeService {
  constructor(
    private readonly fanout: Fanout,
    private readonly membership: Membership,
    private readonly hub: LocalHub,
    @Inject(Backplane) private readonly backplane: Backplane,
  ) {}

  /** This node's id; every `ConnectionInfo.serverInstanceId` names one. */
  get serverInstanceId(): string {
    return this.backplane.nodeId;
  }

  /**
   * Sends to one connection; resolves to 1 when it exists, 0 otherwise. While
   * the registry cannot be asked (Redis away) a send to another node's
   * connection resolves to 1: the frame is held for that node and goes out
   * when the backplane is back, so a caller must not send it again.
   */
  async emitTo(id: string, event: string, message?: unknown): Promise<number> {
    if (this.fanout.send({ type: 'connection', id }, { kind: 'event', event, message }) === 1) return 1;
    if (this.hub.get(id) || !this.backplane.distributed) return 0;
    try {
      return (await this.backplane.getConnection(id)) ? 1 : 0;
    } catch {
      return 1;
    }
  }

  /** Sends to every connection on every route. */
  async emitToAll(event: string, message?: unknown): Promise<number> {
    const local = this.fanout.send({ type: 'all' }, { kind: 'event', event, message });
    if (!this.backplane.distributed) return local;
    const all = await this.backplane.getConnections();
    return local + all.filter((c) => c.serverInstanceId !== this.serverInstanceId).length;
  }

  /** Sends to every member of a room, but `except` when given. */
  async emitToRoom(room: string, event: string, message?: unknown, options: EmitToRoomOptions = {}): Promise<number> {
    const local = this.fanout.send({ type: 'room', room }, { kind: 'event', event, message, room }, options.except, options.volatile);
    if (!this.backplane.distributed) return local;
    const members = await this.backplane.getRoomMembers(room);
    return local + members.filter((id) => id !== options.except && !this.hub.get(id)).length;
  }

  /** Adds a connection to a room; false when no such connection exists. */
  joinRoom(id: string, room: string): Promise<boolean> {
    return this.membership.join(id, room);
  }

  /** Removes a connection from a room; false when no such connection exists. */
  leaveRoom(id: string, room: string): Promise<boolean> {
    return this.membership.leave(id, room);
  }

  /** Ids of a room's members on every node. */
  getRoomMembers(room: string): Promise<string[]> {
    return this.backplane.getRoomMembers(room);
  }

  /** One connection, wherever it lives, or null. */
  getConnectionInfo(id: string): Promise<ConnectionInfo | null> {
    return this.backplane.getConnection(id);
  }

  /** Every connection on every node. */
  getAllConnections(): Promise<ConnectionInfo[]> {
    return this.backplane.getConnections();
  }

  /** The connections this node holds. */
  getLocalConnections(): ConnectionInfo[] {
    return [...this.hub.all()].map((c) => c.describe(this.serverInstanceId));
  }

  /**
   * Merges `patch` into a connection's metadata; false when no such connection
   * exists. Rejects with a `SwitchboardError` of code `SB_INVALID_METADATA`,
   * storing nothing, when the patch is not a plain object or holds a
   * `__proto__`, `constructor` or `prototype` key.
   */
  updateConnectionMetadata(id: string, patch: Readonly<Record<string, unknown>>): Promise<boolean> {
    const problem = metadataPatchProblem(patch);
    if (problem) return Promise.reject(new SwitchboardError(RuntimeErrorCode.INVALID_METADATA, problem));
    return this.membership.updateMetadata(id, patch);
  }

  /** Closes a connection (code 1000) wherever it lives; false when no such connection exists. */
  disconnect(id: string, reason = 'disconnected by server'): Promise<boolean> {
    return this.membership.disconnect(id, CloseCode.NORMAL_CLOSURE, reason);
  }

  /** This node's connection count and backplane health. */
  status(): RealtimeStatus {
    return {
      serverInstanceId: this.serverInstanceId,
      localConnections: this.hub.size,
      backplane: this.backplane.status(),
    };
  }
}
