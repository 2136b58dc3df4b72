import { Gateway } from '../../../src';
import { DoxChatController } from '../controllers/dox-chat.controller';
import { UserRooms } from '../services/user-rooms';

/** `ws://host/ws`: the Dox docs' route; clients join `chat` with `joinRoom` (any room but the users' private ones). */
@Gateway('/ws', { controllers: [DoxChatController], joins: { authorize: UserRooms } })
export class DoxGateway {}
