// What both entries (browser and Node) export besides `connect`.
export { SwitchboardClient, type RequestOptions } from './client';
export type { ConnectionState } from './client-events';
export { ClientErrorCode, SwitchboardClientError } from './errors';
export {
  DEFAULT_QUEUE,
  DEFAULT_RECONNECT,
  DEFAULT_TIMEOUTS,
  type ClientOptions,
  type QueueOptions,
  type ReconnectOptions,
} from './options';
export type { OverflowPolicy } from './bounded-queue';
export type {
  AnyEventHandler,
  BuiltInServerEvents,
  ClientEventName,
  ClientMadeEvents,
  DefaultEvents,
  EventHandler,
  PayloadOf,
  ReplyOf,
  ServerEventName,
  ServerPayload,
} from './event-map';
export type { NotRecoveredPayload, RecoveredPayload, RoomPosition } from './room-history';
export type { WebSocketConstructorLike, WebSocketLike } from './websocket-like';
export type { ExceptionPayload, FrameId } from './wire';
