import { Injectable } from '@nestjs/common';
import type { BackplaneMessage } from '../backplanes/backplane-message';
import { Fanout } from './fanout';
import { Membership } from './membership';

/** Where what other nodes send arrives: deliveries go to the local hub, changes to connections this node holds to membership. */
@Injectable()
export class NodeInbox {
  constructor(
    private readonly fanout: Fanout,
    private readonly membership: Membership,
  ) {}

  receive(message: BackplaneMessage): void {
    if (message.type === 'deliver') this.fanout.receive(message);
    else this.membership.apply(message);
  }
}
