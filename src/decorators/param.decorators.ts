import type { PipeTransform, Type } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';

/**
 * Kinds of handler parameters; the params factory turns each into a value.
 * The numbers follow Nest's route parameter types, which is how pipes learn
 * a parameter's kind: the message is a `body` (so `ValidationPipe` validates
 * it), everything else `custom` (so it is left alone). They are also those
 * of `@nestjs/websockets`' own decorators, so `@ConnectedSocket()` (0) is the
 * connection, `@MessageBody()` (3) the message, and its `@Ack()` (13) the ack.
 */
export enum WsParamType {
  CONNECTION = 0,
  EMITTER = 1,
  ACK = 2,
  MESSAGE = 3,
  FRAME = 7,
  /** What `@Ack()` of `@nestjs/websockets` writes. */
  NEST_ACK = 13,
}

type PipeArg = Type<PipeTransform> | PipeTransform;

/**
 * Writes parameter metadata in the layout Nest's context creator reads, so
 * pipes apply and `createParamDecorator()` decorators work beside these.
 */
function param(type: WsParamType, data?: string, pipes: PipeArg[] = []): ParameterDecorator {
  return (target, key, index) => {
    if (key === undefined) return;
    const ctor = target.constructor;
    const existing = Reflect.getMetadata(ROUTE_ARGS_METADATA, ctor, key) ?? {};
    Reflect.defineMetadata(ROUTE_ARGS_METADATA, { ...existing, [`${type}:${index}`]: { index, data, pipes } }, ctor, key);
  };
}

/**
 * The frame's `message` (or Nest's `data`), or one property of it. Pipes given
 * here, such as `ValidationPipe`, run on it.
 */
export function Message(...pipes: PipeArg[]): ParameterDecorator;
export function Message(property: string, ...pipes: PipeArg[]): ParameterDecorator;
export function Message(propertyOrPipe?: string | PipeArg, ...pipes: PipeArg[]): ParameterDecorator {
  return typeof propertyOrPipe === 'string' || propertyOrPipe === undefined
    ? param(WsParamType.MESSAGE, propertyOrPipe, pipes)
    : param(WsParamType.MESSAGE, undefined, [propertyOrPipe, ...pipes]);
}

/** The `WsEmitter` bound to the connection that sent the frame. */
export const Emitter = (): ParameterDecorator => param(WsParamType.EMITTER);

/** The `WsConnection` that sent the frame: id, route params, handshake data, subprotocol. */
export const Connection = (): ParameterDecorator => param(WsParamType.CONNECTION);

/**
 * A function that replies to this frame (with its `id`) at once. When a
 * handler calls it, its return value is not sent again.
 */
export const Ack = (): ParameterDecorator => param(WsParamType.ACK);

/** The whole decoded frame: `{ event, message, room, id }`. */
export const Frame = (): ParameterDecorator => param(WsParamType.FRAME);
