import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { cli } from './support/run-cli';

/** Every file under `dir` with its text, to show that a refusal or a dry run changed nothing. */
function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else files[relative(dir, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return files;
}

describe('switchboard generators (in process, on a fresh app)', () => {
  let tmp: string;
  let app: string;
  const read = (path: string) => readFileSync(join(app, path), 'utf8');
  const write = (path: string, text: string) => {
    mkdirSync(join(app, path, '..'), { recursive: true });
    writeFileSync(join(app, path), text);
  };

  beforeEach(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'sb-cli-'));
    // A registry range: these tests are about the generators, and need no packing (new.spec.ts covers that).
    const created = await cli(['new', 'demo', '--switchboard', '^0.1.0'], tmp);
    expect(created).toMatchObject({ code: 0, err: '' });
    app = join(tmp, 'demo');
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('create:controller (Dox spelling, -ws) registers the controller in the only gateway and in the module', async () => {
    const result = await cli(['create:controller', 'chat_room', '-ws'], app);
    expect(result).toMatchObject({ code: 0, err: '' });
    expect(result.out).toContain('CREATE src/controllers/chat-room.controller.ts');
    expect(result.out).toContain('CREATE src/controllers/chat-room.controller.spec.ts');
    expect(read('src/gateways/app.gateway.ts')).toBe(`import { Gateway } from 'switchboard';
import { AppController } from '../controllers/app.controller';
import { ChatRoomController } from '../controllers/chat-room.controller';

/** Serves WebSocket connections on \`/ws\`; \`AppController\` answers their events. */
@Gateway('/ws', { controllers: [AppController, ChatRoomController] })
export class AppGateway {}
`);
    expect(read('src/app.module.ts')).toContain('providers: [AppGateway, AppController, AppService, ChatRoomController],');
    expect(read('src/app.module.ts')).toContain("import { ChatRoomController } from './controllers/chat-room.controller';");
  });

  it('g gateway adds it to the root module; g controller --gateway then targets it', async () => {
    expect((await cli(['g', 'gateway', 'Lobby'], app)).code).toBe(0);
    expect(read('src/gateways/lobby.gateway.ts')).toContain("@Gateway('/lobby', { controllers: [] })");
    expect(read('src/gateways/lobby.gateway.spec.ts')).toContain("import { AppModule } from '../app.module';");
    expect(read('src/app.module.ts')).toContain('providers: [AppGateway, AppController, AppService, LobbyGateway],');

    expect((await cli(['generate', 'controller', 'Dice', '--gateway', 'lobby'], app)).code).toBe(0);
    expect(read('src/gateways/lobby.gateway.ts')).toContain("@Gateway('/lobby', { controllers: [DiceController] })");
    expect(read('src/gateways/app.gateway.ts')).not.toContain('Dice');
  });

  it('g service registers it as a provider; running again with --force overwrites without duplicating the registration', async () => {
    expect((await cli(['g', 's', 'notifications'], app)).code).toBe(0);
    write('src/services/notifications.service.ts', '// edited by hand\n');
    const again = await cli(['g', 'service', 'notifications', '--force'], app);
    expect(again.code).toBe(0);
    expect(again.out).toContain('OVERWRITE src/services/notifications.service.ts');
    expect(read('src/services/notifications.service.ts')).toContain('export class NotificationsService');
    expect(read('src/app.module.ts').match(/NotificationsService/g)).toHaveLength(2); // the import and one provider
  });

  it('edits the other shapes it understands: no options, options without the list, one element per line', async () => {
    write('src/gateways/app.gateway.ts', "import { Gateway } from 'switchboard';\n\n@Gateway('/ws')\nexport class AppGateway {}\n");
    write(
      'src/gateways/opts.gateway.ts',
      "import { Gateway } from 'switchboard';\n\n@Gateway('/opts', { subprotocols: ['v1'] })\nexport class OptsGateway {}\n",
    );
    write(
      'src/gateways/tall.gateway.ts',
      "import { Gateway } from 'switchboard';\nimport { AppController } from '../controllers/app.controller';\n\n@Gateway('/tall', {\n  controllers: [\n    AppController,\n  ],\n})\nexport class TallGateway {}\n",
    );
    write(
      'src/app.module.ts',
      "import { Module } from '@nestjs/common';\nimport { SwitchboardModule } from 'switchboard';\n\n@Module({\n  imports: [SwitchboardModule.forRoot()],\n})\nexport class AppModule {}\n",
    );
    expect((await cli(['g', 'co', 'a', '--gateway', 'App'], app)).code).toBe(0);
    expect((await cli(['g', 'co', 'b', '--gateway', 'OptsGateway'], app)).code).toBe(0);
    expect((await cli(['g', 'co', 'c', '--gateway', 'tall'], app)).code).toBe(0);
    expect(read('src/gateways/app.gateway.ts')).toContain("@Gateway('/ws', { controllers: [AController] })");
    expect(read('src/gateways/opts.gateway.ts')).toContain("@Gateway('/opts', { subprotocols: ['v1'], controllers: [BController] })");
    expect(read('src/gateways/tall.gateway.ts')).toContain('  controllers: [\n    AppController,\n    CController,\n  ],');
    expect(read('src/app.module.ts')).toContain(
      '@Module({\n  imports: [SwitchboardModule.forRoot()],\n  providers: [AController, BController, CController],\n})',
    );
  });

  it('says what to add by hand, and where, when the gateway or module is not written literally', async () => {
    const gateway =
      "import { Gateway } from 'switchboard';\nimport { CONTROLLERS } from './controllers';\n\n@Gateway('/ws', { controllers: CONTROLLERS })\nexport class AppGateway {}\n";
    write('src/gateways/app.gateway.ts', gateway);
    const module = read('src/app.module.ts').replace(/providers: \[[^\]]*\]/, 'providers: PROVIDERS');
    write('src/app.module.ts', module);
    const result = await cli(['g', 'controller', 'Chat'], app);
    expect(result.code).toBe(0);
    expect(result.out).toContain('CREATE src/controllers/chat.controller.ts');
    expect(result.err).toContain(
      `MANUAL STEP: add ChatController to the "controllers" of @Gateway() on AppGateway (src/gateways/app.gateway.ts), importing it from '../controllers/chat.controller' ("controllers" is not an array literal).`,
    );
    expect(result.err).toContain('MANUAL STEP: add ChatController to the "providers" of @Module() on AppModule (src/app.module.ts)');
    expect(read('src/gateways/app.gateway.ts')).toBe(gateway);
    expect(read('src/app.module.ts')).toBe(module);
  });

  it('with several gateways and no --gateway, it still provides the controller and asks which gateway', async () => {
    expect((await cli(['g', 'gateway', 'Lobby'], app)).code).toBe(0);
    const result = await cli(['g', 'controller', 'Chat'], app);
    expect(result.code).toBe(0);
    expect(result.err).toMatch(
      /MANUAL STEP: add ChatController to the "controllers" of the @Gateway\(\) that should serve it: the app has several \(AppGateway \(src\/gateways\/app.gateway.ts\), LobbyGateway \(src\/gateways\/lobby.gateway.ts\)\); rerun with --gateway <name>/,
    );
    expect(read('src/app.module.ts')).toContain('ChatController]');
  });

  it('writes where nest-cli.json sourceRoot points', async () => {
    write('nest-cli.json', JSON.stringify({ sourceRoot: 'app' }));
    mkdirSync(join(app, 'app'));
    expect(await cli(['g', 'service', 'Clock'], join(app, 'test'))).toMatchObject({ code: 0 });
    expect(existsSync(join(app, 'app/services/clock.service.ts'))).toBe(true);
    expect(read('app/services/clock.service.spec.ts')).toContain("from '../../test/support/test-app'");
  });

  it('--dry-run prints every file it would write, updates included, and writes nothing', async () => {
    const before = snapshot(app);
    const result = await cli(['create:controller', 'Chat', '--ws', '--dry-run'], app);
    expect(result.code).toBe(0);
    expect(result.out).toContain('CREATE src/controllers/chat.controller.ts\n    import { Emitter, Message, On, WsController');
    expect(result.out).toContain('UPDATE src/gateways/app.gateway.ts (ChatController added to the controllers of AppGateway)');
    expect(result.out).toContain('Dry run: nothing was written.');
    expect(snapshot(app)).toEqual(before);
  });

  describe('refusals: a clear message, a non-zero exit, nothing written', () => {
    it('an existing file, unless --force', async () => {
      expect((await cli(['g', 'controller', 'Chat'], app)).code).toBe(0);
      write('src/controllers/chat.controller.ts', '// mine\n');
      const before = snapshot(app);
      const result = await cli(['create:controller', 'ChatController', '--ws'], app);
      expect(result.code).toBe(1);
      expect(result.err).toContain(
        'error CLI_FILE_EXISTS: Refusing to overwrite existing files:\n  src/controllers/chat.controller.ts\n  src/controllers/chat.controller.spec.ts\nNothing was written. Pass --force to overwrite.',
      );
      expect(snapshot(app)).toEqual(before);
    });

    it('a target folder of new that already holds the skeleton', async () => {
      const result = await cli(['new', 'demo', '--switchboard', '^0.1.0'], tmp);
      expect(result.code).toBe(1);
      expect(result.err).toContain('Refusing to overwrite existing files:\n  demo/package.json');
    });

    it.each([
      [['g', 'controller', 'chat/room'], /error CLI_BAD_NAME: Bad controller name "chat\/room": use only letters, digits/],
      [['g', 'gateway', '1st'], /error CLI_BAD_NAME: Bad gateway name "1st": it must start with a letter/],
      [['create:controller', 'Controller', '--ws'], /error CLI_BAD_NAME: Bad controller name "Controller": it is only the suffix/],
      [['new', 'my/app'], /error CLI_BAD_NAME: Bad app name "my\/app"/],
      [['new', 'Switchboard'], /error CLI_BAD_NAME: Bad app name "Switchboard": an app named "switchboard" cannot depend on Switchboard/],
      [['g', 'gateway', 'Lobby', '--path', 'lobby'], /error CLI_BAD_PATH: Bad gateway path "lobby": it must start with "\/"/],
      [
        ['g', 'gateway', 'Other', '--path', '/ws'],
        /error CLI_ROUTE_TAKEN: AppGateway \(src\/gateways\/app.gateway.ts\) already serves \/ws; choose another route with --path/,
      ],
      [
        ['g', 'controller', 'Chat', '--gateway', 'Nope'],
        /error CLI_NO_GATEWAY: No gateway named NopeGateway in src\/; the app has AppGateway \(src\/gateways\/app.gateway.ts\)/,
      ],
    ])('bad input %j', async (args, message) => {
      const before = snapshot(app);
      const result = await cli(args, app);
      expect(result.code).toBe(1);
      expect(result.err).toMatch(message);
      expect(snapshot(app)).toEqual(before);
    });

    it('an unknown command or generator', async () => {
      const unknown = await cli(['make:controller', 'Chat'], app);
      expect(unknown.code).toBe(1);
      expect(unknown.err).toContain("error: unknown command 'make:controller'");
      const unknownKind = await cli(['g', 'pipe', 'Trim'], app);
      expect(unknownKind.code).toBe(1);
      expect(unknownKind.err).toContain("error: unknown command 'pipe'");
      const missing = await cli(['g', 'controller'], app);
      expect(missing.code).toBe(1);
      expect(missing.err).toContain("error: missing required argument 'name'");
    });

    it('outside an app', async () => {
      const outside = join(tmp, 'elsewhere');
      mkdirSync(outside);
      const result = await cli(['g', 'service', 'Clock'], outside);
      expect(result.code).toBe(1);
      expect(result.err).toContain(
        `error CLI_NOT_AN_APP: Not inside a Switchboard app: no nest-cli.json in ${outside} or any folder above it.`,
      );
      expect(readdirSync(outside)).toEqual([]);
    });
  });

  it('--help works for every command', async () => {
    const help = await cli(['create:controller', '--help'], app);
    expect(help.code).toBe(0);
    expect(help.out).toContain('Usage: switchboard create:controller [options] <name>');
    expect(help.out).toMatch(/--ws .*-ws works too/);
    expect(help.out).toContain('--gateway <name>');
    for (const args of [
      ['--help'],
      ['new', '--help'],
      ['g', '--help'],
      ['g', 'controller', '--help'],
      ['g', 'gateway', '--help'],
      ['g', 'service', '--help'],
    ]) {
      const result = await cli(args, app);
      expect({ args, code: result.code }).toEqual({ args, code: 0 });
      expect(result.out).toContain('Usage: switchboard');
    }
    expect((await cli(['g', 'gateway', '--help'], app)).out).toContain('--path <route>');
  });
});
