import { Emitter, Message, On, WsController, type WsEmitter } from '../../../src';

/** The two handlers of the Dox WebSocket docs. */
@WsController()
export class DoxChatController {
  /** Sends to the `chat` room, except the sender. */
  @On('intro')
  intro(@Emitter() emitter: WsEmitter, @Message() message: unknown) {
    emitter.room('chat').emitExceptSender('intro', message);
  }

  /** Sends to the `chat` room, the sender included. */
  @On('noti')
  noti(@Emitter() emitter: WsEmitter, @Message() message: unknown) {
    emitter.room('chat').emit('noti', message);
  }
}
