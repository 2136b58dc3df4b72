import { Inject, Injectable } from '@nestjs/common';
import { Backplane } from '../backplanes/backplane';
import type { BackplaneMessage, DeliveryTarget } from '../backplanes/backplane-message';
import { PreparedFrame } from './prepared-frame';
import { encodeFrame, type EncodedFrame, type OutboundFrame } from '../protocol';
import { ownerOf } from '../protocol/connection-id';
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
    if (target.type === 'connection') {
      if (this.hub.get(target.id)) return this.hub.deliver(target, prepare(encoded), except);
      const owner = ownerOf(target.id);
      if (owner !== undefined) this.publish(target, encoded, except, owner);
      return 0;
    }
    // Publish first: other nodes start their share while this one writes its own.
    this.publish(target, encoded, except);
    return this.hub.deliver(target, prepare(encoded), except);
  }

  /** Delivers a frame another node published. */
  receive(message: Extract<BackplaneMessage, { type: 'deliver' }>): void {
    const bytes = message.binary ? Buffer.from(message.frame, 'base64') : Buffer.from(message.frame);
    this.hub.deliver(message.target, new PreparedFrame(bytes, message.binary === true), message.except);
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

/** Frames an encoded message once for every local receiver. */
function prepare(encoded: EncodedFrame): PreparedFrame {
  return typeof encoded === 'string' ? new PreparedFrame(Buffer.from(encoded), false) : new PreparedFrame(encoded, true);
}
