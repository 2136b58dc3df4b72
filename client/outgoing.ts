import type { PendingRequest } from './pending-requests';
import type { ClientFrame } from './wire';

/** Options of one `request()`, `joinRoom()` or `leaveRoom()`. */
export interface RequestOptions {
  /** Default: the client's `requestTimeout` (10 000 ms). */
  readonly timeout?: number;
}

/** A frame waiting to be written (an event, or the bytes of a binary frame), with the request it belongs to, if any. */
export interface Outgoing {
  readonly frame: ClientFrame | Uint8Array;
  request?: PendingRequest;
}

/** How an outgoing frame is named in an error: its event, or `a binary frame`. */
export function nameOf(out: Outgoing): string {
  return out.frame instanceof Uint8Array ? `a binary frame of ${out.frame.byteLength} bytes` : `"${out.frame.event}"`;
}

/** The bytes of `data` in a buffer of their own, so the caller may reuse theirs while the frame waits. */
export function copyOf(data: ArrayBuffer | ArrayBufferView): Uint8Array {
  return ArrayBuffer.isView(data)
    ? new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength))
    : new Uint8Array(data.slice(0));
}
