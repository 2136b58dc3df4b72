import type { FrameId } from './server-frames';

export type { ExceptionBody, FrameId, OutboundFrame, WireFrame } from './server-frames';

/** Events the protocol itself handles; no controller can claim them. */
export const BuiltInEvent = {
  CONNECTED: 'connected',
  EXCEPTION: 'exception',
  JOIN_ROOM: 'joinRoom',
  LEAVE_ROOM: 'leaveRoom',
} as const;

/** A decoded client → server frame. */
export type InboundFrame =
  | {
      readonly kind: 'event';
      readonly event: string;
      readonly message: unknown;
      /** Informational: the Dox client always sends it; handlers may ask for it. */
      readonly room?: string;
      readonly id?: FrameId;
      /** On `joinRoom`: the position in a history room's stream the client saw last, to rejoin from. */
      readonly since?: { readonly epoch: string; readonly offset: number };
      /** On `joinRoom`: the connection id the client had before (what left it out is not sent back). */
      readonly previous?: string;
    }
  | { readonly kind: 'binary'; readonly data: Buffer };
