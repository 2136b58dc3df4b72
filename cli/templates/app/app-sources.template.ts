/** `src/app.module.ts`: the root module the generators register gateways and providers in. */
export function appModuleTemplate(): string {
  return `import { Module } from '@nestjs/common';
import { backplaneFromEnv, SwitchboardModule } from 'switchboard';
import { AppController } from './controllers/app.controller';
import { AppGateway } from './gateways/app.gateway';
import { AppService } from './services/app.service';

@Module({
  // Each app gets the backplane that fits how it runs: cluster IPC in a cluster
  // worker, Redis when REDIS_URL is set, in-memory in a single process.
  imports: [SwitchboardModule.forRootAsync({ useFactory: () => ({ backplane: backplaneFromEnv() }) })],
  providers: [AppGateway, AppController, AppService],
})
export class AppModule {}
`;
}

/** `src/gateways/app.gateway.ts` */
export function appGatewayTemplate(): string {
  return `import { Gateway } from 'switchboard';
import { AppController } from '../controllers/app.controller';

/** Serves WebSocket connections on \`/ws\`; \`AppController\` answers their events. */
@Gateway('/ws', { controllers: [AppController] })
export class AppGateway {}
`;
}

/** `src/controllers/app.controller.ts` */
export function appControllerTemplate(): string {
  return `import { BadRequestException } from '@nestjs/common';
import { Emitter, Message, On, WsController, type WsEmitter } from 'switchboard';
import { AppService } from '../services/app.service';

@WsController()
export class AppController {
  constructor(private readonly greetings: AppService) {}

  /** \`{"event":"hello","message":"Ada","id":1}\` is answered with \`{"event":"hello","message":"Hello, Ada!","id":1}\`. */
  @On('hello')
  hello(@Message() name: unknown): string {
    return this.greetings.greet(name);
  }

  /**
   * \`{"event":"say","message":{"room":"lobby","text":"hi"}}\` sends "hi" to every other
   * member of the room (joined with \`{"event":"joinRoom","message":"lobby"}\`), on any worker.
   */
  @On('say')
  say(@Emitter() emitter: WsEmitter, @Message() message: unknown): void {
    const { room, text } = (message ?? {}) as { room?: unknown; text?: unknown };
    // A client may send anything; the sender gets VALIDATION_FAILED with this text.
    if (typeof room !== 'string' || typeof text !== 'string') throw new BadRequestException('say needs {"room": string, "text": string}');
    emitter.room(room).emitExceptSender('say', text);
  }
}
`;
}

/** `src/services/app.service.ts` */
export function appServiceTemplate(): string {
  return `import { Injectable } from '@nestjs/common';

@Injectable()
export class AppService {
  /** A greeting for \`name\`; clients may send anything, so it checks what it got. */
  greet(name: unknown): string {
    return \`Hello, \${typeof name === 'string' && name.trim() !== '' ? name.trim() : 'stranger'}!\`;
  }
}
`;
}

/** `test/app.e2e.spec.ts`: boots the whole app and talks to it with a real client. */
export function appE2eSpecTemplate(): string {
  return `import { AppModule } from '../src/app.module';
import { startApp, type RunningApp } from './support/test-app';
import { TestClient } from './support/test-client';

describe('the app', () => {
  let app: RunningApp;
  const clients: TestClient[] = [];
  const connect = async (): Promise<TestClient> => {
    const client = await TestClient.connect(app.url('/ws'));
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    app = await startApp(AppModule);
  });
  afterEach(() => Promise.all(clients.splice(0).map((c) => c.close())));
  afterAll(() => app.close());

  it('answers "hello" on /ws with a greeting', async () => {
    const client = await connect();
    expect(await client.request('hello', 'Ada')).toMatchObject({ event: 'hello', message: 'Hello, Ada!' });
  });

  it('sends "say" to the other members of the room, not back to the sender', async () => {
    const [alice, bob] = [await connect(), await connect()];
    await alice.request('joinRoom', 'lobby');
    await bob.request('joinRoom', 'lobby');
    alice.send('say', { room: 'lobby', text: 'hi' });
    expect(await bob.next((f) => f.event === 'say')).toMatchObject({ message: 'hi', room: 'lobby', sender: alice.id });
    // Frames to one connection arrive in order: once this reply is back, a "say" to alice would be too.
    await alice.request('hello', 'marker');
    expect(alice.received('say')).toEqual([]);
  });

  it('refuses a "say" without a room and a text, and tells the sender why', async () => {
    const client = await connect();
    const reply = await client.request('say', 'hi');
    expect(reply).toMatchObject({ event: 'exception', message: { code: 'VALIDATION_FAILED' } });
  });
});
`;
}
