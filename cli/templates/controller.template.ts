import { COMMONJS_JEST, type AppStyle } from '../app-style';
import type { ArtifactNames } from '../names';
import { testFunctionImports } from './spec-imports';

/** A WebSocket controller: one handler that replies, one that uses the sender-bound emitter. */
export function controllerTemplate(names: ArtifactNames): string {
  const echo = `${names.camelName}:echo`;
  const broadcast = `${names.camelName}:broadcast`;
  return `import { Emitter, Message, On, WsController, type WsEmitter } from 'switchboard';

/**
 * Answers the \`${names.camelName}:*\` events on every gateway that lists it in
 * \`controllers\`. Like any provider, it must also be in a module's \`providers\`.
 */
@WsController()
export class ${names.className} {
  /** Sends the message back to its sender: a handler's return value is the reply. */
  @On('${echo}')
  echo(@Message() message: unknown): unknown {
    return message;
  }

  /** Sends the message to every other connection on the gateway's route. */
  @On('${broadcast}')
  broadcast(@Emitter() emitter: WsEmitter, @Message() message: unknown): void {
    emitter.emitExceptSender('${broadcast}', message);
  }
}
`;
}

/**
 * The controller's spec: it serves the controller on a gateway of its own and
 * talks to it with real WebSocket clients. `support` is the import path of
 * `test/support`; `style` says how the app writes imports and which runner it uses.
 */
export function controllerSpecTemplate(names: ArtifactNames, support: string, style: AppStyle = COMMONJS_JEST): string {
  const echo = `${names.camelName}:echo`;
  const broadcast = `${names.camelName}:broadcast`;
  const base = names.fileName.replace(/\.ts$/, '');
  const js = style.importExtension;
  return `${testFunctionImports(style, ['afterAll', 'afterEach', 'beforeAll', 'describe', 'expect', 'it'])}import { Gateway } from 'switchboard';
import { startApp, type RunningApp } from '${support}/test-app${js}';
import { TestClient } from '${support}/test-client${js}';
import { ${names.className} } from './${base}${js}';

@Gateway('/spec', { controllers: [${names.className}] })
class SpecGateway {}

describe('${names.className}', () => {
  let app: RunningApp;
  const clients: TestClient[] = [];
  const connect = async (): Promise<TestClient> => {
    const client = await TestClient.connect(app.url('/spec'));
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    app = await startApp({ providers: [SpecGateway, ${names.className}] });
  });
  afterEach(() => Promise.all(clients.splice(0).map((c) => c.close())));
  afterAll(() => app.close());

  it('replies to ${echo} with the message it was sent', async () => {
    const client = await connect();
    expect(await client.request('${echo}', { text: 'hi' })).toMatchObject({ event: '${echo}', message: { text: 'hi' } });
  });

  it('sends ${broadcast} to the other connections, not back to the sender', async () => {
    const [alice, bob] = [await connect(), await connect()];
    alice.send('${broadcast}', 'hello');
    expect(await bob.next((f) => f.event === '${broadcast}')).toMatchObject({ message: 'hello', sender: alice.id });
    // Frames to one connection arrive in order: once this reply is back, a broadcast to alice would be too.
    await alice.request('${echo}', 'marker');
    expect(alice.received('${broadcast}')).toEqual([]);
  });
});
`;
}
