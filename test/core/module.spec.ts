import { Injectable, Module } from '@nestjs/common';
import { Gateway, Message, On, SwitchboardModule, WsController } from '../../src';
import { startApp, type RunningApp } from '../support/test-app';
import { TestClient } from '../support/test-client';

@Injectable()
class AppConfig {
  readonly maxRooms = 1;
}

@Module({ providers: [AppConfig], exports: [AppConfig] })
class ConfigModule {}

@WsController()
class EchoController {
  @On('echo')
  echo(@Message() message: unknown) {
    return message;
  }
}

@Gateway('/async', { controllers: [EchoController] })
class AsyncGateway {}

@Module({
  imports: [
    SwitchboardModule.forRootAsync({
      imports: [ConfigModule],
      inject: [AppConfig],
      useFactory: async (config: AppConfig) => ({ limits: { maxRoomsPerConnection: config.maxRooms } }),
    }),
  ],
  providers: [AsyncGateway, EchoController],
})
class AsyncAppModule {}

describe('SwitchboardModule.forRootAsync()', () => {
  let server: RunningApp;
  beforeAll(async () => {
    server = await startApp(AsyncAppModule);
  });
  afterAll(() => server.close());

  it('takes its options from a factory that injects other providers', async () => {
    const a = await TestClient.connect(server.ws('/async'));
    expect(await a.request('echo', 'hi')).toMatchObject({ message: 'hi' });
    expect(await a.request('joinRoom', 'one')).toMatchObject({ message: { room: 'one' } });
    expect(await a.request('joinRoom', 'two')).toMatchObject({ event: 'exception', message: { code: 'TOO_MANY_ROOMS' } });
    await a.close();
  });
});
