import { Gateway } from '../../../src';
import { DoxChatController } from '../controllers/dox-chat.controller';

/** `ws://host/ws`: the Dox docs' route; clients join `chat` with `joinRoom`. */
@Gateway('/ws', { controllers: [DoxChatController] })
export class DoxGateway {}
