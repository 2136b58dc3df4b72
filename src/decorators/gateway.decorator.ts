import { Injectable, SetMetadata, applyDecorators, type Type } from '@nestjs/common';
import type { GatewayHooks } from '../options/gateway-hooks';
import type { JoinOptions } from '../options/join-options';
import type { ConnectionLimits } from '../options/connection-limits';
import type { HistoryOptions } from '../options/history-options';
import { GATEWAY_METADATA } from './metadata-keys';

/** What a gateway serves besides its path. */
export interface GatewayOptions {
  /** Controllers whose `@On()` handlers answer on this route. Each must also be a provider. */
  readonly controllers?: readonly Type<unknown>[];
  /** Hooks run for this route, after the global ones given to `SwitchboardModule.forRoot()`. */
  readonly hooks?: GatewayHooks;
  /**
   * Subprotocols this route accepts, in order of preference. The first one the
   * client offers is chosen; handlers read it as `connection.protocol`.
   */
  readonly subprotocols?: readonly string[];
  /**
   * Refuse (HTTP 400) a client that offers none of `subprotocols`. Default
   * false: a client that offers none connects with no protocol. A client
   * that offers some, none of them listed, is refused either way.
   */
  readonly requireSubprotocol?: boolean;
  /** Overrides of the module-wide limits for this route only. */
  readonly limits?: Partial<ConnectionLimits>;
  /**
   * Who may join rooms with a client `joinRoom` frame: `clientJoins: false`
   * refuses them all, `authorize` checks each one. By default every valid
   * room may be joined, unless a guard of the route's controllers (or a
   * global guard) or a `canJoin` method of the gateway refuses.
   */
  readonly joins?: JoinOptions;
  /**
   * Rooms that keep history: each publication to them gets an offset and is
   * kept (`size` 1 000, `ttl` 5 minutes by default), and a client that
   * rejoins `since` the position it saw gets what it missed. Rooms are
   * shared by every route: a room listed here keeps history whoever
   * publishes to it. Needs a backplane that keeps history (memory, cluster
   * IPC, Redis). Default: no room keeps history.
   */
  readonly history?: HistoryOptions;
}

/** The metadata `@Gateway()` writes and the explorer reads. */
export interface GatewayMetadata extends GatewayOptions {
  readonly path: string;
}

/**
 * Declares a WebSocket route. The path may hold parameters (`/ws/chat/:roomId`)
 * that hooks and handlers read from `connection.params`. The class is a Nest
 * provider: list it in a module's `providers`. It may implement
 * `OnBeforeConnect`, `OnConnect`, `OnDisconnect` and `RoomAuthorizer`
 * (`canJoin`), and guards put on it with `@UseGuards()` run on the upgrade
 * request.
 *
 * @example
 * ＠Gateway('/ws', { controllers: [ChatController] })
 * export class ChatGateway {}
 */
export function Gateway(path: string, options: GatewayOptions = {}): ClassDecorator {
  const metadata: GatewayMetadata = { ...options, path };
  return applyDecorators(Injectable(), SetMetadata(GATEWAY_METADATA, metadata));
}
