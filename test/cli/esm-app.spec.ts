import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../support/repo';
import { runNode } from '../support/run-process';
import { writeEsmFixtureApp } from './support/esm-fixture-app';
import { cli } from './support/run-cli';

const TSC = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc');

describe('generators in a Nest 12 style app (ES modules under nodenext, vitest)', () => {
  let app: string;
  const read = (path: string) => readFileSync(join(app, path), 'utf8');

  beforeAll(async () => {
    if (!existsSync(join(REPO, 'dist', 'src', 'index.d.ts')))
      throw new Error('dist/src is missing: run `npm run build` first (npm test does it)');
    app = mkdtempSync(join(tmpdir(), 'sb-esm-app-'));
    writeEsmFixtureApp(app);
    for (const args of [
      ['create:controller', 'Chat', '--ws'],
      ['g', 'gateway', 'Lobby'],
      ['g', 'service', 'Notifications'],
    ]) {
      const result = await cli(args, app);
      expect({ args, code: result.code, err: result.err }).toEqual({ args, code: 0, err: '' });
    }
  });
  afterAll(() => rmSync(app, { recursive: true, force: true }));

  it('registers what it writes with relative imports that end in .js', () => {
    expect(read('src/app.module.ts')).toBe(`import { Module } from '@nestjs/common';
import { SwitchboardModule } from 'switchboard';
import { AppController } from './app.controller.js';
import { AppService } from './app.service.js';
import { ChatGateway } from './chat.gateway.js';
import { ChatController } from './controllers/chat.controller.js';
import { LobbyGateway } from './gateways/lobby.gateway.js';
import { NotificationsService } from './services/notifications.service.js';

@Module({
  imports: [SwitchboardModule.forRoot()],
  controllers: [AppController],
  providers: [AppService, ChatGateway, ChatController, LobbyGateway, NotificationsService],
})
export class AppModule {}
`);
    expect(read('src/chat.gateway.ts')).toContain(
      "import { ChatController } from './controllers/chat.controller.js';\n\n@Gateway('/ws', { controllers: [ChatController] })",
    );
  });

  it('writes specs that import their test functions from vitest', () => {
    for (const spec of [
      'src/controllers/chat.controller.spec.ts',
      'src/gateways/lobby.gateway.spec.ts',
      'src/services/notifications.service.spec.ts',
    ]) {
      expect(read(spec)).toMatch(/^import \{ [^}]*describe[^}]* \} from 'vitest';\n/);
    }
    expect(read('src/gateways/lobby.gateway.spec.ts')).toContain("import { AppModule } from '../app.module.js';");
  });

  it("all of it type-checks under the app's own tsconfig (module and moduleResolution nodenext)", async () => {
    const result = await runNode([TSC, '-p', 'tsconfig.json', '--noEmit'], app, 60_000);
    expect({ code: result.code, errors: result.stdout }).toEqual({ code: 0, errors: '' });
  }, 70_000);
});
