// An exception filter answers a frame through host.switchToWs().getClient():
// when the frame carries an id, the filter's first frame carries it too, so
// a request settles with the filter's answer.
import { Catch, UseFilters, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { BaseWsExceptionFilter, WsException } from '@nestjs/websockets';
import { Gateway, On, SwitchboardModule, WsController, type WsConnection } from '../../src';
import { useApp } from '../support/test-app';

class TeapotError extends Error {}

/** Answers with an event of its own, telling what it saw of the client. */
@Catch(TeapotError)
class TeapotFilter implements ExceptionFilter {
  catch(error: TeapotError, host: ArgumentsHost): void {
    const client = host.switchToWs().getClient<WsConnection>();
    client.emit('teapot', { message: error.message, client: client.id, rooms: [...client.rooms], open: client.socket.readyState === 1 });
  }
}

/** Sends a progress event, then the exception: the id goes on the first. */
@Catch(TeapotError)
class ChattyFilter implements ExceptionFilter {
  catch(error: TeapotError, host: ArgumentsHost): void {
    const client = host.switchToWs().getClient<WsConnection>();
    client.emit('progress', 'cleaning up');
    client.emit('exception', { status: 'error', code: 'TEAPOT', message: error.message });
  }
}

@WsController()
class BrewController {
  @On('teapot')
  @UseFilters(TeapotFilter)
  teapot(): never {
    throw new TeapotError('short and stout');
  }

  @On('chatty')
  @UseFilters(ChattyFilter)
  chatty(): never {
    throw new TeapotError('spout');
  }

  @On('nestStyle')
  @UseFilters(new BaseWsExceptionFilter({ includeCause: false }))
  nestStyle(): never {
    throw new WsException('not today');
  }
}

@Gateway('/ws', { controllers: [BrewController] })
class BrewGateway {}

describe('exception filters answer with the frame id', () => {
  const fixture = useApp(() => ({ imports: [SwitchboardModule.forRoot()], providers: [BrewController, BrewGateway] }));

  it("puts the frame's id on the filter's frame; the client the filter gets is the connection", async () => {
    const client = await fixture.connect();
    await client.request('joinRoom', 'kitchen');
    expect(await client.request('teapot')).toEqual({
      event: 'teapot',
      message: { message: 'short and stout', client: client.id, rooms: ['kitchen'], open: true },
      id: expect.any(String),
    });
  });

  it('puts it on the first frame only: later ones are plain emits', async () => {
    const client = await fixture.connect();
    expect(await client.request('chatty')).toEqual({ event: 'progress', message: 'cleaning up', id: expect.any(String) });
    expect(await client.next((f) => f.event === 'exception')).toEqual({
      event: 'exception',
      message: { status: 'error', code: 'TEAPOT', message: 'spout' },
    });
  });

  it('sends the filter frames without an id when the frame had none', async () => {
    const client = await fixture.connect();
    client.send({ event: 'teapot' });
    expect(await client.next((f) => f.event === 'teapot')).not.toHaveProperty('id');
  });

  it("answers with the id through Nest's BaseWsExceptionFilter too", async () => {
    const client = await fixture.connect();
    expect(await client.request('nestStyle')).toEqual({
      event: 'exception',
      message: { status: 'error', message: 'not today' },
      id: expect.any(String),
    });
  });
});
