// Module and options
export { SwitchboardModule } from './switchboard.module';
export {
  DEFAULT_LIMITS,
  SWITCHBOARD_OPTIONS,
  type ConnectionLimits,
  type SlowClientPolicy,
  type SwitchboardAsyncOptions,
  type SwitchboardOptions,
} from './switchboard.options';

// Decorators
export { Gateway, type GatewayOptions } from './decorators/gateway.decorator';
export { WsController } from './decorators/ws-controller.decorator';
export { On, OnBinary } from './decorators/on.decorator';
export { Ack, Connection, Emitter, Frame, Message } from './decorators/param.decorators';

// Gateways: connections and hooks
export type { WsConnection } from './gateways/ws-connection';
export type {
  BeforeConnectHook,
  ConnectHook,
  DisconnectHook,
  DisconnectInfo,
  GatewayHooks,
  HandshakeContext,
  OnBeforeConnect,
  OnConnect,
  OnDisconnect,
} from './gateways/hooks';
export { CloseCode } from './gateways/client-connection';
export type { AckFn } from './controllers/handler-context';

// Services
export { RealtimeService, type EmitToRoomOptions, type RealtimeStatus } from './services/realtime.service';
export type { DirectEmitter, RoomEmitter, WsEmitter } from './services/ws-emitter';

// Backplanes
export { Backplane, createNodeId, type BackplaneListener, type BackplaneStatus } from './backplanes/backplane';
export type { BackplaneMessage, DeliveryTarget } from './backplanes/backplane-message';
export { MemoryBackplane, MemoryBus, type MemoryBackplaneOptions } from './backplanes/memory.backplane';
export type { ConnectionInfo, ConnectionRecord } from './backplanes/connection-info';

// Errors and protocol
export { SwitchboardBootError, BootErrorCode } from './errors/switchboard-error';
export { WsValidationPipe, WsValidationException } from './errors/ws-validation.exception';
export { ErrorCode, BuiltInEvent, type ExceptionBody, type FrameId, type WireFrame } from './protocol';
