/** Who a delivery is for. Each node delivers to the matching connections it holds. */
export type DeliveryTarget =
  | { readonly type: 'all' }
  | { readonly type: 'route'; readonly route: string }
  | { readonly type: 'room'; readonly room: string }
  | { readonly type: 'connection'; readonly id: string };

/** What nodes tell each other. Frames travel already encoded, so no node encodes twice. */
export type BackplaneMessage =
  | {
      readonly type: 'deliver';
      readonly target: DeliveryTarget;
      /** A connection id that must not receive it (except-sender). */
      readonly except?: string;
      /** The frame as clients get it: UTF-8 JSON, or the message's bytes when `binary`. Never changed once sent. */
      readonly frame: Buffer;
      readonly binary: boolean;
    }
  /** `version`: the connection's version after the change (see `Backplane.updateMetadata`). */
  | { readonly type: 'join' | 'leave'; readonly id: string; readonly room: string; readonly version: number }
  | { readonly type: 'metadata'; readonly id: string; readonly metadata: Readonly<Record<string, unknown>>; readonly version: number }
  | { readonly type: 'disconnect'; readonly id: string; readonly code: number; readonly reason: string };

/**
 * A message with the node that sent it (a node ignores its own) and that
 * node's number for it, which grows with each message it sends (Redis drops
 * a resent copy by it). `encodeNodeMessage` in `node-codec.ts` writes it.
 */
export interface BackplaneEnvelope {
  readonly node: string;
  readonly seq: number;
  readonly msg: BackplaneMessage;
}

/** What a transport's admission check makes of a message: deliver it, or drop it as a copy or as stale (see `SeenSequences`). */
export type Admission = 'new' | 'duplicate' | 'stale';
