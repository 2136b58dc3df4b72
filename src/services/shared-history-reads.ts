import { Inject, Injectable } from '@nestjs/common';
import { Backplane } from '../backplanes/backplane';
import type { BackplaneMessage } from '../backplanes/backplane-message';
import type { HistoryLimits, StreamPosition } from '../backplanes/room-stream';
import { withOffset } from '../protocol/encode-frame';
import { PreparedFrame } from './prepared-frame';

/** A publication read back from a room's history, decoded and framed once for every join that shares the read. */
export interface SharedPublication {
  readonly offset: number;
  readonly except?: string;
  readonly frame: PreparedFrame;
}

/** A room's history as the joins waiting for it share it: the position, and the publications after the lowest offset asked for. */
export interface SharedRead {
  readonly position: StreamPosition;
  readonly publications: readonly SharedPublication[];
}

interface Batch {
  /** The lowest offset asked for; undefined while every join in it wants only the position. */
  after?: number;
  readonly read: Promise<SharedRead>;
}

/**
 * One history read per room for the joins that ask for it in the same turn
 * of the event loop: a thousand clients rejoining a room at once cost a few
 * reads, each decoded and framed once, not a thousand. A read is sent on
 * the turn after its first join asked, and only joins that asked before it
 * was sent share it: each join captured the room's live publications before
 * asking, so the read it gets was made after its capture began.
 */
@Injectable()
export class SharedHistoryReads {
  private readonly batches = new Map<string, Batch>();

  constructor(@Inject(Backplane) private readonly backplane: Backplane) {}

  /** The room's position and, with `after`, the publications kept after it (maybe more, from an earlier offset another join asked for). */
  read(room: string, after: number | undefined, limits: HistoryLimits): Promise<SharedRead> {
    const waiting = this.batches.get(room);
    if (waiting) {
      if (after !== undefined && (waiting.after === undefined || after < waiting.after)) waiting.after = after;
      return waiting.read;
    }
    const batch: Batch = {
      after,
      read: new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
        this.batches.delete(room);
        return this.fetch(room, batch.after, limits);
      }),
    };
    this.batches.set(room, batch);
    return batch.read;
  }

  private async fetch(room: string, after: number | undefined, limits: HistoryLimits): Promise<SharedRead> {
    const { position, publications } = await this.backplane.readRoom(room, after, limits);
    return { position, publications: publications.map(({ offset, message }) => prepare(offset, message)) };
  }
}

function prepare(offset: number, message: Extract<BackplaneMessage, { type: 'deliver' }>): SharedPublication {
  return { offset, except: message.except, frame: new PreparedFrame(withOffset(message.frame, offset), message.binary) };
}
