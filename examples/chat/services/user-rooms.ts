import { Injectable } from '@nestjs/common';
import type { RoomAuthorizer, WsConnection } from '../../../src';

/** Every user's private room is `user:<name>`. */
const USER_ROOM_PREFIX = 'user:';

/** The room where `user`'s private notices go. */
export const userRoom = (user: string): string => `${USER_ROOM_PREFIX}${user}`;

/** Whether `room` is some user's private room. */
export const isUserRoom = (room: string): boolean => room.startsWith(USER_ROOM_PREFIX);

/**
 * The example's room policy, for every route (rooms are shared by all
 * routes): a connection whose before-connect hook set `data.user` may join
 * `user:<that name>`; no connection may join any other `user:*` room; the
 * other rooms are open.
 */
@Injectable()
export class UserRooms implements RoomAuthorizer {
  canJoin(connection: WsConnection, room: string): boolean {
    if (!isUserRoom(room)) return true;
    const user = connection.data.user;
    return typeof user === 'string' && room === userRoom(user);
  }
}
