import { Module } from '@nestjs/common';
import { MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import WebSocket from 'ws';
import { Gateway, Message, On, SwitchboardAdapter, SwitchboardModule, WsController } from '../../src';
import { startApp, type RunningApp } from '../support/test-app';
import { TestClient } from '../support/test-client';
import { within } from '../support/wait';

@WebSocketGateway({ path: '/nest' })
class PlainNestGateway {
  @SubscribeMessage('ping')
  ping(@MessageBody() data: unknown) {
    return { event: 'pong', data };
  }
}

@WsController()
class EchoController {
  @On('echo')
  echo(@Message() message: unknown) {
    return message;
  }
}

@Gateway('/sb', { controllers: [EchoController] })
class SwitchboardGateway {}

@Module({
  imports: [SwitchboardModule.forRoot()],
  providers: [PlainNestGateway, SwitchboardGateway, EchoController],
})
class MixedModule {}

describe('SwitchboardAdapter: plain Nest gateways and Switchboard gateways on one HTTP server', () => {
  let server: RunningApp;
  beforeAll(async () => {
    server = await startApp(MixedModule, (app) => app.useWebSocketAdapter(new SwitchboardAdapter(app)));
  });
  afterAll(() => server.close());

  it('serves the plain Nest gateway through @nestjs/platform-ws', async () => {
    const socket = new WebSocket(server.ws('/nest'));
    await within(new Promise((resolve) => socket.once('open', resolve)), 3000, 'the Nest gateway to accept');
    socket.send(JSON.stringify({ event: 'ping', data: 1 }));
    const reply = await within(
      new Promise<string>((resolve) => socket.once('message', (data) => resolve(data.toString()))),
      3000,
      'the pong',
    );
    expect(JSON.parse(reply)).toEqual({ event: 'pong', data: 1 });
    socket.close();
  });

  it('leaves Switchboard routes to Switchboard', async () => {
    const client = await TestClient.connect(server.ws('/sb'));
    expect(await client.request('echo', 'ok')).toMatchObject({ message: 'ok' });
    await client.close();
  });

  it('still answers a path neither serves with 404', async () => {
    expect(await TestClient.refusedStatus(server.ws('/neither'))).toBe(404);
  });
});
