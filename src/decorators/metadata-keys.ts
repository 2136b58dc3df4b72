/** Where `@Gateway()` stores its route and options. */
export const GATEWAY_METADATA = 'switchboard:gateway';
/** Marks a class as a WebSocket controller. */
export const CONTROLLER_METADATA = 'switchboard:controller';
/** The list of `{ event, methodName }` a controller handles. */
export const HANDLERS_METADATA = 'switchboard:handlers';
/**
 * The event name under which `@OnBinary()` registers a handler. It holds a
 * character JSON events may carry but `@On()` refuses, so it cannot collide.
 */
export const BINARY_EVENT = '\u0000binary';
