/**
 * Type tests of the client's event maps: checked by `tsc` in `npm test`
 * (each `@ts-expect-error` fails the build if the line it marks compiles).
 */
import { expectTypeOf } from 'expect-type';
import {
  connect,
  type ExceptionPayload,
  type NotRecoveredPayload,
  type RecoveredPayload,
  type RoomPosition,
  type SwitchboardClient,
} from '../../client/node';
import { connect as connectInBrowser } from '../../client/index';

interface ChatMessage {
  from: string;
  name: string;
  text: string;
}

/** What the server sends. */
interface ServerEvents {
  message: ChatMessage;
  typing: { from: string; typing: boolean };
  room_joined: { roomId: string; members: { id: string; name: string }[] };
}

/** What the client sends; `message` is answered through request(). */
interface ClientEvents {
  message: (message: { text: string }) => { sent: boolean; reason?: string };
  typing: boolean;
  ping: undefined;
}

export function typeTests(): void {
  const client = connect<ServerEvents, ClientEvents>('ws://localhost/ws/chat/lobby');
  expectTypeOf(client).toEqualTypeOf<SwitchboardClient<ServerEvents, ClientEvents>>();
  expectTypeOf(connectInBrowser<ServerEvents, ClientEvents>('ws://x')).toEqualTypeOf<SwitchboardClient<ServerEvents, ClientEvents>>();
  expectTypeOf(client.id).toEqualTypeOf<string | undefined>();

  // Handlers get the payload type of their event, the sender and the room.
  client.on('message', (message, sender, room) => {
    expectTypeOf(message).toEqualTypeOf<ChatMessage>();
    expectTypeOf(sender).toEqualTypeOf<string | undefined>();
    expectTypeOf(room).toEqualTypeOf<string | undefined>();
  });
  client.once('typing', (notice) => expectTypeOf(notice.typing).toBeBoolean());
  client.on('exception', (error) => expectTypeOf(error).toEqualTypeOf<ExceptionPayload>());
  // The client's own recovery events, whatever the app's map says.
  client.on('recovered', (info, _sender, room) => {
    expectTypeOf(info).toEqualTypeOf<RecoveredPayload>();
    expectTypeOf(info.missed).toBeNumber();
    expectTypeOf(room).toEqualTypeOf<string | undefined>();
  });
  client.once('notRecovered', (info) => expectTypeOf(info).toEqualTypeOf<NotRecoveredPayload>());
  expectTypeOf(client.positionOf('lobby')).toEqualTypeOf<RoomPosition | undefined>();
  // @ts-expect-error: the position is read-only
  client.positionOf('lobby')!.offset = 3;
  // @ts-expect-error: the handler expects the wrong payload
  client.on('recovered', (info: ChatMessage) => info);
  client.on('*', (message, _sender, _room, event) => {
    expectTypeOf(message).toBeUnknown();
    expectTypeOf(event).toBeString();
  });
  // @ts-expect-error: not a server event
  client.on('mesage', () => undefined);
  // @ts-expect-error: the handler expects the wrong payload
  client.on('typing', (notice: ChatMessage) => notice);

  // emit(): names and payloads are checked; an `undefined` payload may be left out.
  expectTypeOf(client.emit('typing', true)).toBeBoolean();
  client.emit('message', { text: 'hi' });
  client.emit('ping');
  // @ts-expect-error: not a client event
  client.emit('typo', true);
  // @ts-expect-error: wrong payload type
  client.emit('typing', 'yes');
  // @ts-expect-error: missing payload
  client.emit('typing');
  // @ts-expect-error: payload lacks `text`
  client.emit('message', { body: 'hi' });

  // request(): the reply type comes from the `(message) => reply` entry.
  expectTypeOf(client.request('message', { text: 'hi' })).resolves.toEqualTypeOf<{ sent: boolean; reason?: string }>();
  expectTypeOf(client.request('typing', false)).resolves.toBeUnknown();
  // @ts-expect-error: wrong payload type
  void client.request('message', { text: 1 });

  // Without maps, any event and payload goes, and payloads are `unknown`.
  const loose = connect('ws://localhost/ws');
  loose.emit('anything', { at: 1 });
  loose.on('whatever', (message) => expectTypeOf(message).toBeUnknown());
  expectTypeOf(loose.request('x', 1)).resolves.toBeUnknown();

  // Lifecycle callbacks, Dox names included.
  expectTypeOf(client.onConnected).parameter(0).toEqualTypeOf<(id: string) => void>();
  expectTypeOf(client.onDisconnected).parameter(0).toEqualTypeOf<(code: number, reason: string) => void>();
  expectTypeOf(client.onReconnecting).parameter(0).toEqualTypeOf<(attempt: number, delay: number) => void>();
  expectTypeOf(client.onClose).toEqualTypeOf(client.onDisconnected);
  expectTypeOf(client.onOpen).toEqualTypeOf(client.onConnected);
  expectTypeOf(client.joinRoom('lobby')).resolves.toBeVoid();
}
