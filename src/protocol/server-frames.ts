// The shapes the server writes, kept free of Node types so the browser client
// (client/wire.ts) decodes into the very same union.
import type { ErrorCode } from './error-codes';

/** The id a client may put on a frame to have the reply correlated to it. */
export type FrameId = string | number;

/** The payload of an `exception` frame. */
export interface ExceptionBody {
  readonly status: 'error';
  readonly code: ErrorCode | string;
  readonly message: string;
  /** For `VALIDATION_FAILED`: the property paths that failed and why. */
  readonly fields?: Readonly<Record<string, readonly string[]>>;
}

/** A server → client frame, before it is serialised once at the boundary. */
export type OutboundFrame =
  | { readonly kind: 'connected'; readonly id: string }
  | {
      readonly kind: 'event';
      readonly event: string;
      readonly message: unknown;
      readonly sender?: string;
      readonly room?: string;
      readonly id?: FrameId;
    }
  | { readonly kind: 'exception'; readonly error: ExceptionBody; readonly id?: FrameId };

/** What a client sees on the wire: the JSON shape of every text frame the server sends. */
export interface WireFrame {
  readonly event: string;
  readonly message: unknown;
  readonly sender?: string;
  readonly room?: string;
  readonly id?: FrameId;
}
