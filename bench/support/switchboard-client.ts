import { WebSocket } from 'ws';
import { HandshakeSteps } from '../protocols/handshake-steps';

/** What the Switchboard server answers to a `joinRoom` of a history room (issue #13). */
export interface HistoryJoinReply {
  readonly room: string;
  readonly epoch: string;
  readonly offset: number;
  readonly recovered?: boolean;
  readonly missed?: number;
}

/** A Switchboard connection once its `connected` frame is in: the socket, its connection id, and its handshake's frames. */
export interface SwitchboardClient {
  readonly socket: WebSocket;
  readonly id: string;
  /** Frames not yet taken by `joinHistoryRoom`; stop it with `done()` before listening to the socket yourself. */
  readonly steps: HandshakeSteps;
}

/** Opens a connection to `url` (…/ws) and waits for its `connected` frame. */
export async function openSwitchboardClient(url: string, timeoutMs: number, localAddress?: string): Promise<SwitchboardClient> {
  const socket = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true, localAddress });
  socket.on('error', () => undefined);
  const steps = new HandshakeSteps(socket, timeoutMs);
  await steps.opened();
  const id = await steps.expect('the connected frame', (text) => {
    const frame = JSON.parse(text) as { event?: string; message?: { id?: string } };
    return frame.event === 'connected' ? frame.message?.id : undefined;
  });
  return { socket, id, steps };
}

/**
 * Joins a history room: sends `joinRoom` (with `since` and `previous` for a
 * rejoin) and resolves with the reply's message, the stream's position.
 * Frames after the reply stay queued in `client.steps`.
 */
export async function joinHistoryRoom(
  client: SwitchboardClient,
  room: string,
  rejoin?: { readonly since: { readonly epoch: string; readonly offset: number }; readonly previous: string },
): Promise<HistoryJoinReply> {
  const id = `join-${room}`;
  client.steps.send(JSON.stringify({ event: 'joinRoom', message: room, ...rejoin, id }));
  // The matcher runs inside the socket's message listener: it returns a failure rather than throwing there.
  const answer = await client.steps.expect(`the joinRoom reply for ${room}`, (text) => {
    const frame = JSON.parse(text) as { event?: string; id?: unknown; message?: HistoryJoinReply };
    if (frame.id !== id) return undefined;
    if (frame.event === 'joinRoom' && typeof frame.message?.epoch === 'string') return frame.message;
    return { failure: `joinRoom ${room}: ${frame.event === 'exception' ? 'refused' : 'not a history room'} (${text})` };
  });
  if ('failure' in answer) throw new Error(answer.failure);
  return answer;
}

const OFFSET_KEY = Buffer.from(',"offset":');

/** The `"offset":N` a history room's frame ends with, read from the bytes; undefined when it has none. */
export function offsetOf(frame: Buffer): number | undefined {
  const at = frame.lastIndexOf(OFFSET_KEY);
  if (at < 0) return undefined;
  let offset = 0;
  let i = at + OFFSET_KEY.length;
  for (let c = frame[i]; c >= 0x30 && c <= 0x39; c = frame[++i]) offset = offset * 10 + (c - 0x30);
  return i === at + OFFSET_KEY.length || frame[i] !== 0x7d || i !== frame.length - 1 ? undefined : offset;
}
