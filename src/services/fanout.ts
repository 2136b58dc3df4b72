import { Inject, Injectable } from '@nestjs/common';
import { Backplane } from '../backplanes/backplane';
import type { BackplaneMessage, DeliveryTarget } from '../backplanes/backplane-message';
import { encodeFrame, type OutboundFrame } from '../protocol';
import { ownerOf } from './connection-id';
import { LocalHub } from './local-hub';

/**
 * Sends frames to targets anywhere in the deployment: encodes each frame once,
 * writes it to this node's matching connections, and publishes it once to
 * the other nodes, whatever the number of receivers there.
 */
@Injectable()
export class Fanout {
  constructor(
    private readonly hub: LocalHub,
    @Inject(Backplane) private readonly backplane: Backplane,
  ) {}

  /** Returns how many connections on this node took the frame. */
  send(target: DeliveryTarget, frame: OutboundFrame, except?: string): number {
    const encoded = encodeFrame(frame);
    const binary = typeof encoded !== 'string';
    const bytes = binary ? encoded : Buffer.from(encoded);
    if (target.type === 'connection') {
      if (this.hub.get(target.id)) return this.hub.deliver(target, bytes, binary, except);
      const owner = ownerOf(target.id);
      if (owner !== undefined) this.publish(target, encoded, except, owner);
      return 0;
    }
    const delivered = this.hub.deliver(target, bytes, binary, except);
    this.publish(target, encoded, except);
    return delivered;
  }

  /** Delivers a frame another node published. */
  receive(message: Extract<BackplaneMessage, { type: 'deliver' }>): void {
    const bytes = message.binary ? Buffer.from(message.frame, 'base64') : Buffer.from(message.frame);
    this.hub.deliver(message.target, bytes, message.binary === true, message.except);
  }

  private publish(target: DeliveryTarget, encoded: string | Buffer, except: string | undefined, node?: string): void {
    if (!this.backplane.distributed) return;
    const binary = typeof encoded !== 'string';
    this.backplane.send(
      {
        type: 'deliver',
        target,
        except,
        frame: binary ? encoded.toString('base64') : encoded,
        binary: binary || undefined,
      },
      node,
    );
  }
}
