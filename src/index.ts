// Module and options
export { SwitchboardModule } from './switchboard.module';
export { DEFAULT_LIMITS, type ConnectionLimits, type SlowClientPolicy } from './options/connection-limits';
export { SWITCHBOARD_OPTIONS, type SwitchboardAsyncOptions, type SwitchboardOptions } from './options/switchboard-options';

// Decorators
export { Gateway, type GatewayOptions } from './decorators/gateway.decorator';
export { WsController } from './decorators/ws-controller.decorator';
export { On, OnBinary } from './decorators/on.decorator';
export { Ack, Connection, Emitter, Frame, Message } from './decorators/param.decorators';

// Gateways: connections and hooks
export type { WsConnection } from './services/ws-connection';
export type {
  BeforeConnectHook,
  ConnectHook,
  DisconnectHook,
  DisconnectInfo,
  ErrorHook,
  GatewayHooks,
  HandshakeContext,
  OnBeforeConnect,
  OnConnect,
  OnDisconnect,
  OnSocketError,
} from './options/gateway-hooks';
export type { CanJoinFn, JoinOptions, RoomAuthorizer } from './options/join-options';
export { HISTORY_DEFAULTS, type HistoryOptions, type HistoryRoomMatcher } from './options/history-options';
export { CloseCode } from './protocol/close-codes';
export { SwitchboardAdapter } from './gateways/switchboard.adapter';
export type { AckFn } from './controllers/handler-context';

// Services
export { RealtimeService, type EmitToRoomOptions, type RealtimeStatus } from './services/realtime.service';
export type { DirectEmitter, RoomEmitter, WsEmitter } from './services/ws-emitter';

// Backplanes
export {
  Backplane,
  createNodeId,
  type BackplaneListener,
  type BackplaneOptions,
  type BackplaneStatus,
  type LocalConnectionsProvider,
} from './backplanes/backplane';
export type { Admission, BackplaneEnvelope, BackplaneMessage, DeliveryTarget } from './backplanes/backplane-message';
export { MemoryBackplane, MemoryBus, type MemoryBackplaneOptions } from './backplanes/memory.backplane';
export {
  isSafeMetadataKey,
  mergeMetadata,
  type ConnectionInfo,
  type ConnectionRecord,
  type LocalConnection,
  type MetadataUpdate,
} from './backplanes/connection-info';
export type { Awaitable, ConnectionRegistry } from './backplanes/connection-registry';
export { ClusterIpcBackplane, type ClusterIpcBackplaneOptions, type IpcChannel } from './backplanes/cluster-ipc.backplane';
export { RedisBackplane } from './backplanes/redis.backplane';
export { REDIS_BACKPLANE_DEFAULTS, REDIS_CLIENT_OPTIONS, type RedisBackplaneOptions } from './backplanes/redis-backplane.options';
export { backplaneFromEnv, type BackplaneFromEnvOptions } from './backplanes/backplane-from-env';

export { InProcessRegistry } from './backplanes/in-process-registry';
export { RoomHistory, createEpoch } from './backplanes/room-history';
export type { HistoryLimits, HistoryRead, RoomRead, StoredPublication, StreamPosition } from './backplanes/room-stream';

// Cluster mode
export { runCluster } from './cluster/run-cluster';
export { ClusterIpcRelay, type ClusterMessageSource } from './cluster/ipc-relay';
export {
  CLUSTER_DEFAULTS,
  type ClusterApp,
  type ClusterBootstrap,
  type ClusterEvent,
  type ClusterLogger,
  type ClusterOptions,
} from './cluster/cluster-options';

// Errors and protocol
export { SwitchboardError, SwitchboardBootError, BootErrorCode, type SwitchboardErrorCode } from './protocol/switchboard-error';
export { RuntimeErrorCode } from './protocol/runtime-error-codes';
export { WsValidationPipe, WsValidationException } from './errors/ws-validation.exception';
export { ErrorCode, BuiltInEvent, checkRoomName, type ExceptionBody, type FrameId, type WireFrame } from './protocol';
