// Two documented error mappings handler-errors.spec.ts leaves out: a
// `leaveRoom` the connection registry fails answers INTERNAL and changes
// nothing (as a failed `joinRoom` does), and an HTTP exception without a code
// of its own answers ERROR with its message.
import { ConflictException, GoneException, HttpException, ImATeapotException } from '@nestjs/common';
import { Connection, Gateway, MemoryBackplane, On, RealtimeService, SwitchboardModule, WsController, type WsConnection } from '../../src';
import { useApp } from '../support/test-app';

@WsController()
class ErrorsController {
  @On('conflict')
  conflict(): never {
    throw new ConflictException('name already taken');
  }

  @On('gone')
  gone(): never {
    throw new GoneException();
  }

  @On('teapot')
  teapot(): never {
    throw new ImATeapotException('short and stout');
  }

  @On('paymentRequired')
  paymentRequired(): never {
    throw new HttpException('pay first', 402);
  }

  @On('objectBody')
  objectBody(): never {
    throw new HttpException({ message: 'enhance your calm', retryIn: 5 }, 420);
  }

  @On('rooms')
  rooms(@Connection() connection: WsConnection): string[] {
    return [...connection.rooms].sort();
  }

  @On('echo')
  echo(): string {
    return 'still here';
  }
}

@Gateway('/ws', { controllers: [ErrorsController] })
class ErrorsGateway {}

/** A memory backplane whose registry fails to remove anyone from a room named `sticky-*`, as a registry failing mid-call would. */
class StickyRoomsBackplane extends MemoryBackplane {
  override async removeFromRoom(id: string, room: string): Promise<number> {
    if (room.startsWith('sticky-')) throw new Error('registry write failed');
    return super.removeFromRoom(id, room);
  }
}

describe('a leaveRoom the connection registry fails', () => {
  const fixture = useApp(() => ({
    imports: [SwitchboardModule.forRoot({ backplane: new StickyRoomsBackplane() })],
    providers: [ErrorsController, ErrorsGateway],
  }));

  it('answers INTERNAL with the frame id, leaves the connection in the room everywhere, and carries on', async () => {
    const client = await fixture.connect();
    const other = await fixture.connect();
    const realtime = fixture.server.app.get(RealtimeService);
    expect((await client.request('joinRoom', 'sticky-room')).message).toEqual({ room: 'sticky-room' });
    expect((await client.request('joinRoom', 'fine-room')).message).toEqual({ room: 'fine-room' });

    client.send({ event: 'leaveRoom', message: 'sticky-room', id: 'leave-1' });
    const answer = await client.next((f) => f.id === 'leave-1', 3000, 'the answer to the failed leaveRoom (id leave-1)');
    expect(answer).toEqual({
      event: 'exception',
      message: { status: 'error', code: 'INTERNAL', message: 'leaveRoom failed: the connection registry did not accept it; try again' },
      id: 'leave-1',
    });

    // Nothing changed: the registry, the connection's own rooms and room delivery all still have it.
    expect(await realtime.getRoomMembers('sticky-room')).toEqual([client.id]);
    expect([...((await realtime.getConnectionInfo(client.id))?.rooms ?? [])].sort()).toEqual(['fine-room', 'sticky-room']);
    expect((await client.request('rooms')).message).toEqual(['fine-room', 'sticky-room']);
    expect(await realtime.emitToRoom('sticky-room', 'stillMember', 1)).toBe(1);
    expect(await client.next((f) => f.event === 'stillMember', 3000, 'the room emit after the failed leave')).toEqual({
      event: 'stillMember',
      message: 1,
      room: 'sticky-room',
    });

    // One answer only, and the connection carries on: another leave works, so does a handler.
    expect((await client.request('leaveRoom', 'fine-room')).message).toEqual({ room: 'fine-room' });
    expect(await realtime.getRoomMembers('fine-room')).toEqual([]);
    expect((await client.request('echo')).message).toBe('still here');
    expect(client.received.filter((r) => r.kind === 'text' && r.frame.id === 'leave-1')).toHaveLength(1);
    expect((await other.request('echo')).message).toBe('still here');
  });
});

describe('an HTTP exception without a code of its own', () => {
  const fixture = useApp(() => ({
    imports: [SwitchboardModule.forRoot()],
    providers: [ErrorsController, ErrorsGateway],
  }));

  it.each([
    ['conflict', 'a ConflictException (409)', 'name already taken'],
    ['gone', 'a GoneException without a message (410)', 'Gone'],
    ['teapot', 'an ImATeapotException (418)', 'short and stout'],
    ['paymentRequired', 'an HttpException with a string body (402)', 'pay first'],
    ['objectBody', 'an HttpException with an object body (420)', 'enhance your calm'],
  ])('answers %s, %s, with ERROR and its message, keeping the frame id', async (event, _what, message) => {
    const client = await fixture.connect();
    client.send({ event, id: `${event}-1` });
    expect(await client.next((f) => f.id === `${event}-1`, 3000, `the answer to ${event}`)).toEqual({
      event: 'exception',
      message: { status: 'error', code: 'ERROR', message },
      id: `${event}-1`,
    });
    expect((await client.request('echo')).message).toBe('still here');
  });
});
