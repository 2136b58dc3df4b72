import type { PendingRequest } from './pending-requests';
import type { ClientFrame } from './wire';

/** Options of one `request()`, `joinRoom()` or `leaveRoom()`. */
export interface RequestOptions {
  /** Default: the client's `requestTimeout` (10 000 ms). */
  readonly timeout?: number;
}

/** A frame waiting to be written, with the request it belongs to, if any. */
export interface Outgoing {
  readonly frame: ClientFrame;
  request?: PendingRequest;
}
