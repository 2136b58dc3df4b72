import { UnauthorizedException } from '@nestjs/common';
import { Gateway, type HandshakeContext, type OnBeforeConnect } from '../../../src';
import { PrivateController } from '../controllers/private.controller';
import { TokenService } from '../services/token.service';
import { UserRooms } from '../services/user-rooms';

/**
 * `ws://host/ws/private`: accepts a bearer token in the `authorization`
 * header or `?token=`, and answers anything else with HTTP 401. A user may
 * join `user:<own name>` (where `notify` sends), never another `user:*` room.
 */
@Gateway('/ws/private', { controllers: [PrivateController], joins: { authorize: UserRooms } })
export class PrivateGateway implements OnBeforeConnect {
  constructor(private readonly tokens: TokenService) {}

  beforeConnect(ctx: HandshakeContext) {
    const header = ctx.headers.authorization;
    const token = header?.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : ctx.query.token;
    const user = this.tokens.userFor(token);
    if (!user) throw new UnauthorizedException('a valid bearer token is required');
    return { user };
  }
}
