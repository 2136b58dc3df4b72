import { WsParamType } from '../decorators/param.decorators';
import type { HandlerArgs } from './handler-context';

/**
 * Resolves `@Message()`, `@Emitter()`, `@Connection()`, `@Ack()` and `@Frame()`
 * from a handler's arguments, and `@MessageBody()`, `@ConnectedSocket()` and
 * `@Ack()` of `@nestjs/websockets` as their Switchboard namesakes.
 */
export class WsParamsFactory {
  exchangeKeyForValue(type: number, data: unknown, args: HandlerArgs): unknown {
    const [connection, message, context] = args;
    switch (type as WsParamType) {
      case WsParamType.MESSAGE:
        if (typeof data !== 'string') return message;
        return typeof message === 'object' && message !== null && Object.hasOwn(message, data)
          ? (message as Record<string, unknown>)[data]
          : undefined;
      case WsParamType.EMITTER:
        return context.emitter;
      case WsParamType.CONNECTION:
        return connection;
      case WsParamType.ACK:
      case WsParamType.NEST_ACK:
        return context.ack;
      case WsParamType.FRAME:
        return context.frame;
      default:
        return undefined;
    }
  }
}
