import type { Type } from '@nestjs/common';
import type { WsConnection } from '../services/ws-connection';

/**
 * Decides whether a client may join a room with a `joinRoom` frame. Resolve
 * `true` to allow it; anything else refuses it with `FORBIDDEN`. A thrown
 * `WsException` or HTTP exception is sent as such; any other error is logged
 * and answered `INTERNAL`. Either way the join does not happen.
 *
 * Implement it on the gateway class itself (a `canJoin` method, with the
 * gateway's injected services), or on an injectable provider named in
 * `@Gateway(path, { joins: { authorize: MyAuthorizer } })`.
 */
export interface RoomAuthorizer {
  canJoin(connection: WsConnection, room: string): boolean | Promise<boolean>;
}

/** A room authorizer written as a plain function (no dependency injection). */
export type CanJoinFn = (connection: WsConnection, room: string) => boolean | Promise<boolean>;

/** How a route treats `joinRoom` frames from its clients (`@Gateway(path, { joins })`). */
export interface JoinOptions {
  /**
   * Whether clients may join rooms at all with `joinRoom`. Default `true`.
   * With `false` every client `joinRoom` is answered `FORBIDDEN`; the
   * application still joins connections to rooms through `RealtimeService`.
   */
  readonly clientJoins?: boolean;
  /**
   * Checks each client `joinRoom`, after the room name and the room limit
   * passed and after the guards: a function, or an injectable class
   * implementing `RoomAuthorizer` that a module provides. It runs besides a
   * `canJoin` method of the gateway class, if there is one; both must allow.
   */
  readonly authorize?: CanJoinFn | Type<RoomAuthorizer>;
}
