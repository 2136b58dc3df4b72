import { Injectable } from '@nestjs/common';
import type { BackplaneMessage } from '../backplanes/backplane-message';
import type { StreamPosition } from '../backplanes/room-stream';
import { Fanout } from './fanout';
import { Membership } from './membership';
import { RoomFeeds } from './room-feeds';

/**
 * Where what other nodes send arrives: deliveries go to the local hub (a
 * history room's numbered ones through its feed, in offset order), changes
 * to connections this node holds to membership.
 */
@Injectable()
export class NodeInbox {
  constructor(
    private readonly fanout: Fanout,
    private readonly membership: Membership,
    private readonly feeds: RoomFeeds,
  ) {}

  /** The backplane is back after an outage: history rooms with members here catch up on what went by. */
  resumed(): void {
    this.feeds.catchUp();
  }

  /** A message from the backplane; `position` when it is a numbered publication to a history room. */
  receive(message: BackplaneMessage, position?: StreamPosition): void {
    if (message.type !== 'deliver') this.membership.apply(message);
    else if (position) this.feeds.receive(message, position);
    else this.fanout.receive(message);
  }
}
