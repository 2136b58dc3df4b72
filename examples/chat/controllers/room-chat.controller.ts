import { Connection, Emitter, Message, On, WsController, type WsConnection, type WsEmitter } from '../../../src';

/** Messages and typing notices of the Arcade-style chat room the connection joined from its path. */
@WsController()
export class RoomChatController {
  @On('message')
  message(@Connection() connection: WsConnection, @Emitter() emitter: WsEmitter, @Message() message: unknown) {
    const text = typeof message === 'string' ? message : (message as { text?: unknown } | null)?.text;
    if (typeof text !== 'string' || text.length === 0) return { sent: false, reason: 'text must be a non-empty string' };
    emitter.room(connection.params.roomId).emit('message', {
      from: connection.id,
      name: connection.metadata.name,
      text: text.slice(0, 2000),
      timestamp: new Date().toISOString(),
    });
    return { sent: true };
  }

  @On('typing')
  typing(@Connection() connection: WsConnection, @Emitter() emitter: WsEmitter, @Message() typing: unknown) {
    // Volatile: the room keeps history, and a typing notice is stale by the time anyone recovers it.
    emitter.room(connection.params.roomId).volatile.emitExceptSender('typing', {
      from: connection.id,
      name: connection.metadata.name,
      typing: typing !== false,
    });
  }
}
