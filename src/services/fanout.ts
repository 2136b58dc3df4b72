import { Inject, Injectable } from '@nestjs/common';
import { Backplane } from '../backplanes/backplane';
import type { BackplaneMessage, DeliveryTarget } from '../backplanes/backplane-message';
import { PreparedFrame } from './prepared-frame';
import { encodeFrame, type OutboundFrame } from '../protocol';
import { ownerOf } from '../protocol/connection-id';
import { HistoryRooms } from './history-rooms';
import { LocalHub } from './local-hub';

/**
 * Sends frames to targets anywhere in the deployment: encodes each frame once,
 * writes it to this node's matching connections, and publishes it once to
 * the other nodes, whatever the number of receivers there. A text frame to
 * a history room goes through the backplane's numbering instead, and is
 * delivered here when it comes back numbered (see `RoomFeeds`).
 */
@Injectable()
export class Fanout {
  constructor(
    private readonly hub: LocalHub,
    @Inject(Backplane) private readonly backplane: Backplane,
    private readonly historyRooms: HistoryRooms,
  ) {}

  /**
   * Returns how many connections on this node took the frame (for a history
   * room: how many members it will reach here once numbered). `volatile`: a
   * frame to a history room that is not kept (sent as to a room without history).
   */
  send(target: DeliveryTarget, frame: OutboundFrame, except?: string, volatile = false): number {
    const { bytes, binary } = encodeFrame(frame);
    if (target.type === 'connection') {
      if (this.hub.get(target.id)) return this.hub.deliver(target, new PreparedFrame(bytes, binary), except);
      const owner = ownerOf(target.id);
      if (owner !== undefined) this.publish({ type: 'deliver', target, except, frame: bytes, binary }, owner);
      return 0;
    }
    if (target.type === 'room' && !binary && !volatile) {
      const history = this.historyRooms.limitsOf(target.room);
      if (history) {
        // Numbered where the order is decided; this node delivers it when it comes back with its offset, as every node does.
        this.backplane.sendNumbered(target.room, { type: 'deliver', target, except, frame: bytes, binary }, history);
        return this.hub.countIn(target.room, except);
      }
    }
    // Publish first: other nodes start their share while this one writes its own.
    this.publish({ type: 'deliver', target, except, frame: bytes, binary });
    return this.hub.deliver(target, new PreparedFrame(bytes, binary), except);
  }

  /** Delivers a frame another node published: its bytes as they arrived, a view into what the backplane received, not a copy. */
  receive(message: Extract<BackplaneMessage, { type: 'deliver' }>): void {
    this.hub.deliver(message.target, new PreparedFrame(message.frame, message.binary), message.except);
  }

  private publish(message: Extract<BackplaneMessage, { type: 'deliver' }>, node?: string): void {
    if (this.backplane.distributed) this.backplane.send(message, node);
  }
}
