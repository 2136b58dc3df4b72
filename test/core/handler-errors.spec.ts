// What a client sees when a handler, one of its exception filters, or the
// registry behind a built-in event fails: one answer, never two, and the
// connection carries on.
import {
  Catch,
  Injectable,
  NotFoundException,
  UnauthorizedException,
  UseFilters,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import { WebSocket } from 'ws';
import { Gateway, MemoryBackplane, On, RealtimeService, SwitchboardModule, WsController, type WsConnection } from '../../src';
import type { ConnectionRecord } from '../../src/backplanes/connection-info';
import { within } from '../support/wait';
import { useApp } from '../support/test-app';
import type { TestClient } from '../support/test-client';

class TeapotError extends Error {}

@Injectable()
class Kettle {
  readonly sound = 'whistle';
}

/** Takes TeapotError over and answers with a frame of its own; returns nothing, as Nest WS filters do. */
@Injectable()
@Catch(TeapotError)
class TeapotFilter implements ExceptionFilter {
  constructor(private readonly kettle: Kettle) {}

  catch(error: TeapotError, host: ArgumentsHost): void {
    const ws = host.switchToWs();
    ws.getClient<WsConnection>().emit('teapot', { message: error.message, sound: this.kettle.sound, data: ws.getData() });
  }
}

@WsController()
class FailingController {
  @On('teapot')
  @UseFilters(TeapotFilter)
  teapot(): never {
    throw new TeapotError('short and stout');
  }

  @On('otherError')
  @UseFilters(TeapotFilter)
  otherError(): never {
    throw new Error('not a teapot');
  }

  @On('unauthorized')
  unauthorized(): never {
    throw new UnauthorizedException('log in first');
  }

  @On('notFound')
  notFound(): never {
    throw new NotFoundException('no such thing');
  }

  @On('plainWsException')
  plainWsException(): never {
    throw new WsException('plain words');
  }

  @On('thrownString')
  thrownString(): never {
    throw 'a string, not an Error';
  }

  @On('echo')
  echo(): string {
    return 'still here';
  }
}

@Gateway('/ws', { controllers: [FailingController] })
class FailingGateway {}

/** A second route, whose connections the registry below refuses to record. */
@Gateway('/unrecorded', { controllers: [FailingController], hooks: { onDisconnect: () => void disconnects.push('unrecorded') } })
class UnrecordedGateway {}
const disconnects: string[] = [];

/**
 * A memory backplane whose registry fails some writes, as a registry that
 * fails mid-call would: room joins for rooms named `refused-*`, and every
 * connection of `/unrecorded`.
 */
class RefusingBackplane extends MemoryBackplane {
  override async addToRoom(id: string, room: string): Promise<number> {
    if (room.startsWith('refused-')) throw new Error('registry write failed');
    return super.addToRoom(id, room);
  }

  override async addConnection(record: ConnectionRecord): Promise<void> {
    if (record.route === '/unrecorded') throw new Error('registry write failed');
    return super.addConnection(record);
  }
}

/** Every text frame the client received, replies included, as event names. */
const events = (client: TestClient): string[] => client.received.flatMap((r) => (r.kind === 'text' ? [String(r.frame.event)] : []));

describe('handler errors', () => {
  const fixture = useApp(() => ({
    imports: [SwitchboardModule.forRoot({ backplane: new RefusingBackplane() })],
    providers: [FailingController, FailingGateway, UnrecordedGateway, Kettle, TeapotFilter],
  }));

  it('lets a matching exception filter take the error over: its frame, and no exception frame or reply besides', async () => {
    const client = await fixture.connect();
    client.send({ event: 'teapot', message: 'brew', id: 't1' });
    expect(await client.next((f) => f.event === 'teapot')).toEqual({
      event: 'teapot',
      message: { message: 'short and stout', sound: 'whistle', data: 'brew' },
      id: 't1',
    });
    expect((await client.request('echo')).message).toBe('still here');
    expect(events(client)).toEqual(['connected', 'teapot', 'echo']);
  });

  it('answers an error the filter does not @Catch() with INTERNAL', async () => {
    const client = await fixture.connect();
    expect(await client.request('otherError')).toEqual({
      event: 'exception',
      message: { status: 'error', code: 'INTERNAL', message: 'Internal server error' },
      id: expect.anything(),
    });
  });

  it.each([
    ['unauthorized', 'UNAUTHORIZED', 'log in first'],
    ['notFound', 'NOT_FOUND', 'no such thing'],
    ['plainWsException', 'ERROR', 'plain words'],
    ['thrownString', 'INTERNAL', 'Internal server error'],
  ])('maps what the %s handler throws to %s', async (event, code, message) => {
    const client = await fixture.connect();
    expect((await client.request(event)).message).toEqual({ status: 'error', code, message });
    expect((await client.request('echo')).message).toBe('still here');
  });

  it('answers a joinRoom the registry refuses with INTERNAL, leaves the connection out of the room, and carries on', async () => {
    const client = await fixture.connect();
    const other = await fixture.connect();
    const refused = await client.request('joinRoom', 'refused-room');
    expect(refused).toMatchObject({
      event: 'exception',
      message: { code: 'INTERNAL', message: expect.stringContaining('joinRoom failed') },
    });
    const realtime = fixture.server.app.get(RealtimeService);
    expect(await realtime.getRoomMembers('refused-room')).toEqual([]);
    expect(await realtime.emitToRoom('refused-room', 'anyone', 1)).toBe(0);
    expect((await client.request('joinRoom', 'fine-room')).message).toEqual({ room: 'fine-room' });
    expect((await client.request('echo')).message).toBe('still here');
    expect(other.socket.readyState).toBe(other.socket.OPEN);
  });

  it('closes with 1013 a connection the registry would not record, before any frame, and reports no disconnect for it', async () => {
    const socket = new WebSocket(fixture.server.ws('/unrecorded'));
    const frames: string[] = [];
    socket.on('message', (data) => frames.push(String(data)));
    const closed = new Promise<number>((resolve) => socket.once('close', resolve));
    expect(await within(closed, 3000, 'the 1013 close')).toBe(1013);
    expect(frames).toEqual([]);
    expect((await (await fixture.connect()).request('echo')).message).toBe('still here');
    expect(disconnects).toEqual([]);
  });
});
