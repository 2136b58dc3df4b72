import type { BackplaneMessage } from './backplane-message';

/**
 * Where a history room's stream stands: its epoch, which names one unbroken
 * history (it changes whenever the history is lost), and the offset of its
 * latest publication (0 before the first). Offsets grow by exactly 1 per
 * publication, cluster-wide.
 */
export interface StreamPosition {
  readonly epoch: string;
  readonly offset: number;
}

/** How much a history room keeps. */
export interface HistoryLimits {
  /** Most publications kept; older ones are dropped first. */
  readonly size: number;
  /** How long a publication is kept, in ms. */
  readonly ttl: number;
}

/** A publication as a backplane keeps it: its offset and the encoded backplane message, signed when the nodes sign. */
export interface StoredPublication {
  readonly offset: number;
  readonly payload: Buffer;
}

/** What a backplane reads of a room's history: its position, and the publications still kept after an offset, oldest first. */
export interface HistoryRead extends StreamPosition {
  readonly publications: readonly StoredPublication[];
}

/** A delivery to a history room, decoded from its history. */
export interface RecoveredPublication {
  readonly offset: number;
  readonly message: Extract<BackplaneMessage, { type: 'deliver' }>;
}

/** A room's history read back for a node: where the stream stands and what it holds after the offset asked for. */
export interface RoomRead {
  readonly position: StreamPosition;
  readonly publications: readonly RecoveredPublication[];
}

/**
 * Whether `read` holds every publication after `since`: same epoch, not
 * ahead of the stream, and none of the offsets in between dropped (trimmed,
 * expired, or unreadable).
 */
export function coversSince(
  read: { readonly position: StreamPosition; readonly publications: readonly { readonly offset: number }[] },
  since: StreamPosition,
): boolean {
  const { position, publications } = read;
  if (since.epoch !== position.epoch || since.offset > position.offset) return false;
  const wanted = position.offset - since.offset;
  return publications.length === wanted && (wanted === 0 || publications[0].offset === since.offset + 1);
}
