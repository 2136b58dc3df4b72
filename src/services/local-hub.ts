import { Injectable } from '@nestjs/common';
import type { DeliveryTarget } from '../backplanes/backplane-message';
import type { HubConnection } from './hub-connection';
import type { PreparedFrame } from './prepared-frame';

const NONE: ReadonlySet<never> = new Set();

/**
 * The connections this node holds, indexed for delivery: by id, by room and
 * by gateway route. The cluster-wide view lives in the backplane's registry;
 * this index is what turns one delivery into socket writes.
 */
@Injectable()
export class LocalHub<C extends HubConnection = HubConnection> {
  private readonly byId = new Map<string, C>();
  private readonly byRoom = new Map<string, Set<C>>();
  private readonly byRoute = new Map<string, Set<C>>();

  get size(): number {
    return this.byId.size;
  }

  get(id: string): C | undefined {
    return this.byId.get(id);
  }

  all(): IterableIterator<C> {
    return this.byId.values();
  }

  /** The connections on one gateway route. */
  onRoute(route: string): Iterable<C> {
    return this.byRoute.get(route) ?? NONE;
  }

  add(connection: C): void {
    this.byId.set(connection.id, connection);
    addTo(this.byRoute, connection.route, connection);
  }

  /** Forgets a connection and takes it out of every room; returns the rooms it was in. */
  remove(connection: C): string[] {
    const rooms = [...connection.rooms];
    for (const room of rooms) this.leave(connection, room);
    removeFrom(this.byRoute, connection.route, connection);
    this.byId.delete(connection.id);
    return rooms;
  }

  /** How many connections here are in `room`, leaving out `except`. */
  countIn(room: string, except?: string): number {
    const members = this.byRoom.get(room);
    if (!members) return 0;
    const skip = except === undefined ? undefined : this.byId.get(except);
    return members.size - (skip && members.has(skip) ? 1 : 0);
  }

  /** Returns false when the connection was already a member. */
  join(connection: C, room: string): boolean {
    if (connection.rooms.has(room)) return false;
    connection.rooms.add(room);
    addTo(this.byRoom, room, connection);
    return true;
  }

  /** Returns false when the connection was not a member. */
  leave(connection: C, room: string): boolean {
    if (!connection.rooms.delete(room)) return false;
    removeFrom(this.byRoom, room, connection);
    return true;
  }

  /**
   * Writes one prepared frame to every local connection the target names;
   * returns how many took it. The loop does no per-receiver work beyond the
   * write itself: the except-sender check compares objects, not ids.
   */
  deliver(target: DeliveryTarget, frame: PreparedFrame, except?: string): number {
    if (target.type === 'connection') {
      const connection = this.byId.get(target.id);
      return connection && connection.id !== except && connection.writeFrame(frame) ? 1 : 0;
    }
    const members =
      target.type === 'all'
        ? this.byId.values()
        : ((target.type === 'room' ? this.byRoom.get(target.room) : this.byRoute.get(target.route)) ?? NONE);
    const skip = except === undefined ? undefined : this.byId.get(except);
    let delivered = 0;
    for (const connection of members) {
      if (connection !== skip && connection.writeFrame(frame)) delivered++;
    }
    return delivered;
  }
}

function addTo<K, C>(index: Map<K, Set<C>>, key: K, connection: C): void {
  let set = index.get(key);
  if (!set) index.set(key, (set = new Set()));
  set.add(connection);
}

function removeFrom<K, C>(index: Map<K, Set<C>>, key: K, connection: C): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(connection);
  if (set.size === 0) index.delete(key);
}
