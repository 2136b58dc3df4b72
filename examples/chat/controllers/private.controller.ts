import { Connection, Emitter, Message, On, WsController, type WsConnection, type WsEmitter } from '../../../src';
import { userRoom } from '../services/user-rooms';

/** Handlers of the token-protected route. */
@WsController()
export class PrivateController {
  /** Who the before-connect hook says this connection is. */
  @On('whoami')
  whoami(@Connection() connection: WsConnection) {
    return { id: connection.id, user: connection.data.user };
  }

  /** Sends `text` to the private room of user `to` (`user:<to>`), which only that user can join. */
  @On('notify')
  notify(@Connection() connection: WsConnection, @Emitter() emitter: WsEmitter, @Message() message: { to: string; text: string }) {
    emitter.room(userRoom(String(message.to))).emit('notice', { from: connection.data.user, text: message.text });
  }
}
