import { Gateway } from '../../../src';
import { DoxChatController } from '../controllers/dox-chat.controller';
import { UserRooms } from '../services/user-rooms';

/**
 * `ws://host/ws`: the Dox docs' route; clients join `chat` with `joinRoom`
 * (any room but the users' private ones). `chat` keeps history: a client
 * that rejoins it `since` the offset it saw gets what it missed.
 */
@Gateway('/ws', {
  controllers: [DoxChatController],
  joins: { authorize: UserRooms },
  history: { rooms: ['chat'], size: 1000, ttl: 300_000 },
})
export class DoxGateway {}
