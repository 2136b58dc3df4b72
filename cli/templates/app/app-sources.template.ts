/** `src/main.ts`: boots the app, with shutdown hooks so clients are closed cleanly. */
export function mainTemplate(): string {
  return `import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { AddressInfo } from 'node:net';
import { AppModule } from './app.module';

async function bootstrap(): Promise<void> {
  const app = await NestFactory.create(AppModule);
  // On SIGTERM or Ctrl-C, Switchboard closes WebSocket clients before the process exits.
  app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 3000));
  const { port } = app.getHttpServer().address() as AddressInfo;
  new Logger('Bootstrap').log(\`WebSocket gateway listening on ws://localhost:\${port}/ws\`);
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
`;
}

/** `src/app.module.ts`: the root module the generators register gateways and providers in. */
export function appModuleTemplate(): string {
  return `import { Module } from '@nestjs/common';
import { SwitchboardModule } from 'switchboard';
import { AppController } from './controllers/app.controller';
import { AppGateway } from './gateways/app.gateway';
import { AppService } from './services/app.service';

@Module({
  imports: [SwitchboardModule.forRoot()],
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
  return `import { Message, On, WsController } from 'switchboard';
import { AppService } from '../services/app.service';

@WsController()
export class AppController {
  constructor(private readonly greetings: AppService) {}

  /** \`{"event":"hello","message":"Ada","id":1}\` is answered with \`{"event":"hello","message":"Hello, Ada!","id":1}\`. */
  @On('hello')
  hello(@Message() name: unknown): string {
    return this.greetings.greet(name);
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

  beforeAll(async () => {
    app = await startApp(AppModule);
  });
  afterAll(() => app.close());

  it('answers "hello" on /ws with a greeting', async () => {
    const client = await TestClient.connect(app.url('/ws'));
    expect(await client.request('hello', 'Ada')).toMatchObject({ event: 'hello', message: 'Hello, Ada!' });
    await client.close();
  });
});
`;
}
