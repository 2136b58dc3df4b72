import type { HubConnection } from '../services/hub-connection';
import type { WsConnection } from '../services/ws-connection';
import { encodeFrame, type FrameId } from '../protocol';

/**
 * The client an exception filter gets (`host.switchToWs().getClient()`) when
 * the frame whose error it answers carries an `id`: the connection itself in
 * everything but `emit()`, whose first text frame carries that id, so the
 * sender's pending request settles with it (an `exception` event rejects it,
 * any other event resolves it). Later frames go out as plain emits. Without
 * an id, the connection itself.
 */
export function replyingClient(connection: HubConnection, id: FrameId | undefined): WsConnection {
  if (id === undefined) return connection;
  let pending: FrameId | undefined = id;
  const emit = (event: string, message?: unknown): boolean => {
    if (pending === undefined) return connection.emit(event, message);
    const { bytes, binary } = encodeFrame({ kind: 'event', event, message, id: pending });
    // A binary message goes out as its bytes alone: it cannot carry the id, which waits for the next frame.
    if (!binary) pending = undefined;
    return connection.write(bytes, binary);
  };
  return new Proxy(connection, {
    get(target, key) {
      if (key === 'emit') return emit;
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
