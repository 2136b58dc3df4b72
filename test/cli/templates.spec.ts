import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppStyle } from '../../cli/app-style';
import { artifactNames } from '../../cli/names';
import { controllerSpecTemplate, controllerTemplate } from '../../cli/templates/controller.template';
import { gatewaySpecTemplate, gatewayTemplate } from '../../cli/templates/gateway.template';
import { serviceSpecTemplate, serviceTemplate } from '../../cli/templates/service.template';

const golden = (file: string) => readFileSync(join(__dirname, 'golden', `${file}.golden`), 'utf8');
const SUPPORT = '../../test/support';
/** A Nest 12 app as `nest new` makes it: ES modules under nodenext, vitest. */
const ESM_VITEST: AppStyle = { importExtension: '.js', testRunner: 'vitest' };

describe('generator output', () => {
  it.each(['ChatRoom', 'chat-room', 'chat_room', 'ChatRoomController'])(
    'controller %s is exactly chat-room.controller.ts and its spec',
    (name) => {
      const names = artifactNames(name, 'controller');
      expect(names.fileName).toBe('chat-room.controller.ts');
      expect(controllerTemplate(names)).toBe(golden('chat-room.controller.ts'));
      expect(controllerSpecTemplate(names, SUPPORT)).toBe(golden('chat-room.controller.spec.ts'));
    },
  );

  it.each(['lobby', 'Lobby', 'LobbyGateway'])('gateway %s is exactly lobby.gateway.ts and its spec', (name) => {
    const names = artifactNames(name, 'gateway');
    expect(gatewayTemplate(names, '/lobby')).toBe(golden('lobby.gateway.ts'));
    expect(gatewaySpecTemplate(names, '/lobby', SUPPORT, { className: 'AppModule', importPath: '../app.module' })).toBe(
      golden('lobby.gateway.spec.ts'),
    );
  });

  it('a gateway spec without a known root module boots the gateway on its own', () => {
    const spec = gatewaySpecTemplate(artifactNames('lobby', 'gateway'), '/lobby', SUPPORT);
    expect(spec).toContain('app = await startApp({ providers: [LobbyGateway] });');
    expect(spec).not.toContain('AppModule');
  });

  it.each(['Notifications', 'notifications-service'])('service %s is exactly notifications.service.ts and its spec', (name) => {
    const names = artifactNames(name, 'service');
    expect(serviceTemplate(names)).toBe(golden('notifications.service.ts'));
    expect(serviceSpecTemplate(names, SUPPORT)).toBe(golden('notifications.service.spec.ts'));
  });

  describe('for an ES module app tested with vitest', () => {
    it.each([
      ['chat-room.controller.spec.ts', () => controllerSpecTemplate(artifactNames('ChatRoom', 'controller'), SUPPORT, ESM_VITEST)],
      [
        'lobby.gateway.spec.ts',
        () =>
          gatewaySpecTemplate(
            artifactNames('lobby', 'gateway'),
            '/lobby',
            SUPPORT,
            { className: 'AppModule', importPath: '../app.module.js' },
            ESM_VITEST,
          ),
      ],
      ['notifications.service.spec.ts', () => serviceSpecTemplate(artifactNames('Notifications', 'service'), SUPPORT, ESM_VITEST)],
    ])('%s imports its test functions from vitest and ends relative imports in .js', (file, render) => {
      expect(render()).toBe(golden(`esm-vitest/${file}`));
    });

    it('ES modules with jest: .js imports, jest globals', () => {
      const spec = serviceSpecTemplate(artifactNames('Clock', 'service'), SUPPORT, { importExtension: '.js', testRunner: 'jest' });
      expect(spec).toContain("import { ClockService } from './clock.service.js';");
      expect(spec).not.toContain('vitest');
    });

    it('the sources themselves have no relative imports, so they are the same in both flavours', () => {
      for (const source of [
        controllerTemplate(artifactNames('a', 'controller')),
        gatewayTemplate(artifactNames('a', 'gateway'), '/a'),
        serviceTemplate(artifactNames('a', 'service')),
      ]) {
        expect(source).not.toMatch(/from '\./);
      }
    });
  });
});
