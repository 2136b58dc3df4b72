import { Inject, Injectable } from '@nestjs/common';
import { Backplane } from '../backplanes/backplane';
import type { BackplaneMessage } from '../backplanes/backplane-message';
import type { HubConnection, RoomLimits } from './hub-connection';
import { LocalHub } from './local-hub';
import { RouteRoomLimits } from './route-room-limits';
import { checkRoomName } from '../protocol/room-name';
import { RuntimeErrorCode } from '../protocol/runtime-error-codes';
import { SwitchboardError } from '../protocol/switchboard-error';

type ControlMessage = Exclude<BackplaneMessage, { type: 'deliver' }>;

/**
 * Changes to a connection's rooms, metadata and life, wherever it lives. For
 * a connection of this node the delivery index changes at once and the
 * registry after; for another node's, the backplane writes the registry and
 * tells that node (so a caller that awaits sees it applied), and `apply`
 * is where such news from other nodes arrives.
 */
@Injectable()
export class Membership {
  constructor(
    private readonly hub: LocalHub,
    @Inject(Backplane) private readonly backplane: Backplane,
    private readonly routeLimits: RouteRoomLimits,
  ) {}

  /**
   * Adds a connection to a room; false when the connection is unknown. The
   * room name must be valid and the connection keep to its route's limits,
   * as a client's `joinRoom` does; otherwise a `SwitchboardError`
   * (`SB_INVALID_ROOM`, `SB_TOO_MANY_ROOMS`) and no join. Another node's
   * connection is looked up in the registry first (its route and rooms), so
   * two joins of it at once may pass the room count together.
   */
  async join(id: string, room: string): Promise<boolean> {
    const local = this.hub.get(id);
    if (local) {
      checkJoin(id, room, local.limits, local.rooms);
      await this.joinLocal(local, room);
      return true;
    }
    // The characters first, with no round trip: they are the same on every route.
    checkName(id, room, Number.POSITIVE_INFINITY);
    const info = await this.backplane.getConnection(id);
    if (!info) return false;
    const limits = this.routeLimits.of(info.route);
    if (limits) checkJoin(id, room, limits, new Set(info.rooms));
    return (await this.backplane.joinRemote(id, room)) > 0;
  }

  /** Removes a connection from a room; false when the connection is unknown. */
  async leave(id: string, room: string): Promise<boolean> {
    const local = this.hub.get(id);
    if (local) {
      await this.leaveLocal(local, room);
      return true;
    }
    return (await this.backplane.leaveRemote(id, room)) > 0;
  }

  /**
   * Joins a connection of this node to a room, at once here (its next frame
   * may be for the room) and then in the registry; when the registry refuses,
   * the join is undone and the error thrown.
   */
  async joinLocal(connection: HubConnection, room: string): Promise<void> {
    if (!this.hub.join(connection, room)) return;
    const version = await orUndo(this.backplane.addToRoom(connection.id, room), () => this.hub.leave(connection, room));
    // A leave from another node that the registry ran first may have arrived meanwhile: the join is the later one.
    this.applyRoom(connection, room, 'join', version);
  }

  /**
   * Joins a connection of this node to a room in the registry, runs `read`
   * (a read of the room's history), and then, in one synchronous step, joins
   * it here and calls `complete` with what was read: nothing the room
   * publishes reaches the connection between the two. Returns false, and
   * completes nothing, when the connection closed meanwhile.
   */
  async joinLocalAfter<T>(
    connection: HubConnection,
    room: string,
    read: () => Promise<T>,
    complete: (result: T) => void,
  ): Promise<boolean> {
    const member = connection.rooms.has(room);
    const version = member ? 0 : await this.backplane.addToRoom(connection.id, room);
    const result = await orUndo(read(), () => (member ? undefined : this.backplane.removeFromRoom(connection.id, room).catch(() => 0)));
    if (this.hub.get(connection.id) !== connection) return false;
    // Version 0: not counted (Redis away) or already a member; a later leave from another node wins over this join.
    if (version === 0 || connection.acceptRoomChange(room, version)) this.hub.join(connection, room);
    complete(result);
    return true;
  }

  /** Takes a connection of this node out of a room, here and then in the registry; when the registry refuses, the leave is undone and the error thrown. */
  async leaveLocal(connection: HubConnection, room: string): Promise<void> {
    if (!this.hub.leave(connection, room)) return;
    const version = await orUndo(this.backplane.removeFromRoom(connection.id, room), () => this.hub.join(connection, room));
    this.applyRoom(connection, room, 'leave', version);
  }

  /** Merges a patch into a connection's metadata; false when the connection is unknown. */
  async updateMetadata(id: string, patch: Readonly<Record<string, unknown>>): Promise<boolean> {
    // The backplane tells the owner when it is another node.
    const update = await this.backplane.updateMetadata(id, patch);
    if (!update) return false;
    this.hub.get(id)?.updateMetadata(update);
    return true;
  }

  /** Closes a connection wherever it lives; false when the connection is unknown. */
  async disconnect(id: string, code: number, reason: string): Promise<boolean> {
    reason = closeReason(reason);
    const local = this.hub.get(id);
    if (local) {
      local.close(code, reason);
      return true;
    }
    return this.backplane.disconnectRemote(id, code, reason);
  }

  /** Applies a change another node made to a connection this node holds. */
  apply(message: ControlMessage): void {
    const connection = this.hub.get(message.id);
    if (!connection) return;
    switch (message.type) {
      case 'join':
      case 'leave':
        this.applyRoom(connection, message.room, message.type, message.version);
        break;
      case 'metadata':
        connection.updateMetadata(message);
        break;
      case 'disconnect':
        connection.close(message.code, message.reason);
        break;
    }
  }

  /**
   * Applies a join or leave the registry counted as `version`, unless one it
   * counted later for the same room is already applied: changes made on two
   * nodes reach the owner in either order, and the registry's order wins.
   * Version 0 (uncounted, e.g. while Redis is away) changes nothing.
   */
  private applyRoom(connection: HubConnection, room: string, change: 'join' | 'leave', version: number): void {
    if (!connection.acceptRoomChange(room, version)) return;
    if (change === 'join') this.hub.join(connection, room);
    else this.hub.leave(connection, room);
  }
}

/** Throws why `id` may not join `room` under `limits`, given the rooms it is in. */
function checkJoin(id: string, room: string, limits: RoomLimits, rooms: ReadonlySet<string>): void {
  checkName(id, room, limits.maxRoomNameLength);
  if (!rooms.has(room) && rooms.size >= limits.maxRoomsPerConnection) {
    throw new SwitchboardError(
      RuntimeErrorCode.TOO_MANY_ROOMS,
      `joinRoom(${JSON.stringify(id)}): the connection is already in ${limits.maxRoomsPerConnection} rooms, its route's maxRoomsPerConnection`,
    );
  }
}

/** Throws why `room` is not a valid room name up to `maxLength` characters. */
function checkName(id: string, room: string, maxLength: number): void {
  const invalid = checkRoomName(room, maxLength);
  if (invalid !== undefined) throw new SwitchboardError(RuntimeErrorCode.INVALID_ROOM, `joinRoom(${JSON.stringify(id)}): ${invalid}`);
}

/** A close reason cut to the 123 bytes a close frame can carry (ws throws on longer ones), on a character boundary. */
function closeReason(reason: string): string {
  if (Buffer.byteLength(reason) <= 123) return reason;
  let cut = reason.slice(0, 123);
  while (Buffer.byteLength(cut) > 123) cut = cut.slice(0, -1);
  return cut;
}

/** Awaits a registry write; when it fails, undoes the local change it mirrors, then passes the error on. */
async function orUndo<T>(write: Promise<T>, undo: () => unknown): Promise<T> {
  try {
    return await write;
  } catch (error) {
    undo();
    throw error;
  }
}
