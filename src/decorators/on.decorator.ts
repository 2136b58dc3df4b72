import { BINARY_EVENT, HANDLERS_METADATA } from './metadata-keys';

/** One entry of a controller's handler list. */
export interface HandlerMetadata {
  readonly event: string;
  readonly methodName: string | symbol;
}

/**
 * Maps a client event to this method. The method's return value (or resolved
 * promise) is sent back to the sender as `{ event, message, id }`.
 */
export function On(event: string): MethodDecorator {
  return (target, methodName) => addHandler(target, { event, methodName });
}

/** Receives the connection's binary frames; the message is a `Buffer`. */
export function OnBinary(): MethodDecorator {
  return (target, methodName) => addHandler(target, { event: BINARY_EVENT, methodName });
}

function addHandler(target: object, handler: HandlerMetadata): void {
  const ctor = target.constructor;
  const existing: readonly HandlerMetadata[] = Reflect.getOwnMetadata(HANDLERS_METADATA, ctor) ?? [];
  Reflect.defineMetadata(HANDLERS_METADATA, [...existing, handler], ctor);
}
