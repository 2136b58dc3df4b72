// The boot errors boot-errors.spec.ts leaves out: each refuses the app at
// boot with its code and a message that says what to fix.
import {
  Catch,
  Injectable,
  Module,
  Scope,
  UseFilters,
  UseGuards,
  type ArgumentsHost,
  type ExceptionFilter,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { join } from 'node:path';
import { Backplane, Gateway, On, SwitchboardBootError, SwitchboardModule, WsController } from '../../src';
import { InProcessRegistry } from '../../src/backplanes/in-process-registry';
import { bootError } from '../support/boot-error';
import { REPO } from '../support/repo';
import { childEnv, runNode, TS_NODE } from '../support/run-process';

describe('SB_SCOPED_PROVIDER: gateways and controllers must be singletons', () => {
  @Injectable({ scope: Scope.REQUEST })
  class PerRequest {
    readonly value = 1;
  }

  it('refuses a controller that injects a request-scoped provider, naming it and the fix', async () => {
    @WsController()
    class ScopedController {
      constructor(readonly perRequest: PerRequest) {}

      @On('hello')
      hello() {
        return 'hi';
      }
    }
    @Gateway('/ws', { controllers: [ScopedController] })
    class G {}
    @Module({ imports: [SwitchboardModule.forRoot()], providers: [G, ScopedController, PerRequest] })
    class M {}
    const error = await bootError(M);
    expect(error).toBeInstanceOf(SwitchboardBootError);
    expect(error.code).toBe('SB_SCOPED_PROVIDER');
    expect(error.message).toBe(
      'SB_SCOPED_PROVIDER: ScopedController must be a singleton provider; remove the request or transient scope from it and from what it injects',
    );
  });

  it('refuses a gateway that is request-scoped itself', async () => {
    // Outermost, so it is applied after (and overrides) the scope @Gateway() sets.
    @Injectable({ scope: Scope.REQUEST })
    @Gateway('/ws')
    class ScopedGateway {}
    @Module({ imports: [SwitchboardModule.forRoot()], providers: [ScopedGateway] })
    class M {}
    const error = await bootError(M);
    expect(error.code).toBe('SB_SCOPED_PROVIDER');
    expect(error.message).toMatch(/ScopedGateway must be a singleton provider; remove the request or transient scope/);
  });
});

describe('SB_NO_HTTP_SERVER: Switchboard needs the Nest HTTP server', () => {
  it('refuses an application context (no HTTP server) and says to use NestFactory.create()', async () => {
    @Gateway('/ws')
    class G {}
    @Module({ imports: [SwitchboardModule.forRoot()], providers: [G] })
    class M {}
    const error = await bootError(M, (m) => NestFactory.createApplicationContext(m, { logger: false }));
    expect(error).toBeInstanceOf(SwitchboardBootError);
    expect(error.code).toBe('SB_NO_HTTP_SERVER');
    expect(error.message).toMatch(/create the app with NestFactory\.create\(\), not createApplicationContext\(\)/);
  });
});

describe('SB_INVALID_FILTER: @UseFilters() given something Switchboard cannot use', () => {
  it('refuses a class without a catch() method, naming the controller and the fix', async () => {
    class NotAFilter {}
    @WsController()
    class FilteredController {
      @On('hello')
      @UseFilters(NotAFilter as unknown as Type<ExceptionFilter>)
      hello() {
        return 'hi';
      }
    }
    @Gateway('/ws', { controllers: [FilteredController] })
    class G {}
    @Module({ imports: [SwitchboardModule.forRoot()], providers: [G, FilteredController] })
    class M {}
    const error = await bootError(M);
    expect(error).toBeInstanceOf(SwitchboardBootError);
    expect(error.code).toBe('SB_INVALID_FILTER');
    expect(error.message).toMatch(
      /FilteredController: @UseFilters\(\) was given something that is not an exception filter; pass a class or an instance with a catch\(\) method/,
    );
  });

  it('refuses a filter class Nest cannot resolve as a singleton (transient-scoped), naming it', async () => {
    @Injectable({ scope: Scope.TRANSIENT })
    @Catch()
    class ScopedFilter implements ExceptionFilter {
      catch(_error: unknown, _host: ArgumentsHost): void {}
    }
    @WsController()
    @UseFilters(ScopedFilter)
    class FilteredController {
      @On('hello')
      hello() {
        return 'hi';
      }
    }
    @Gateway('/ws', { controllers: [FilteredController] })
    class G {}
    @Module({ imports: [SwitchboardModule.forRoot()], providers: [G, FilteredController] })
    class M {}
    const error = await bootError(M);
    expect(error.code).toBe('SB_INVALID_FILTER');
    // It is @Injectable() already: the fix is its scope.
    expect(error.message).toBe(
      'SB_INVALID_FILTER: FilteredController: the exception filter ScopedFilter could not be resolved as a singleton; ' +
        'remove its request or transient scope (and that of what it injects), or pass an instance to @UseFilters()',
    );
  });
});

describe('SB_INVALID_GUARD: @UseGuards() on a gateway given something that is not a guard', () => {
  it('refuses a class without a canActivate() method at boot, naming it', async () => {
    class NotAGuard {}
    @Gateway('/ws')
    @UseGuards(NotAGuard)
    class GuardedGateway {}
    @Module({ imports: [SwitchboardModule.forRoot()], providers: [GuardedGateway] })
    class M {}
    const error = await bootError(M);
    expect(error).toBeInstanceOf(SwitchboardBootError);
    expect(error.code).toBe('SB_INVALID_GUARD');
    expect(error.message).toBe('SB_INVALID_GUARD: NotAGuard given to @UseGuards() is not a guard: it has no canActivate() method');
  });
});

describe('SB_INVALID_CLUSTER_OPTIONS: runCluster() with a workers count that is not a whole number >= 1', () => {
  // Run in a real primary process: were the check missing, the primary would fork workers, which must not be jest's.
  it.each([
    ['0', 0],
    ['a negative number', -2],
    ['a fraction', 1.5],
    ['NaN', 'NaN'],
    ['a string', '"2"'],
  ])(
    'refuses %s before forking anything, saying what it needs and what it got',
    async (_what, workers) => {
      const script = join(REPO, 'test/fixtures/cluster-invalid-options.ts');
      const result = await runNode([...TS_NODE, script], REPO, 20_000, childEnv({ INVALID_WORKERS: String(workers) }));
      const line = result.stdout.split('\n').find((l) => l.startsWith('@@boot-error '));
      if (!line) throw new Error(`no boot error reported; exit code ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
      const reported = JSON.parse(line.slice('@@boot-error '.length)) as { code: string; message: string; forked: number };
      expect(reported.code).toBe('SB_INVALID_CLUSTER_OPTIONS');
      // A string (say, an environment variable not converted) is shown as one: "got 2" would read as valid.
      const shown = workers === '"2"' ? 'the string "2"' : String(workers);
      expect(reported.message).toBe(`SB_INVALID_CLUSTER_OPTIONS: runCluster() needs a whole number of workers >= 1, got ${shown}`);
      expect(reported.forked).toBe(0);
      expect(result.code).toBe(0);
    },
    30_000,
  );
});

describe('SB_INVALID_LIMITS: limits that would refuse frames the route accepts', () => {
  it('refuses a byteBurst below maxPayload, naming the route, both values and the fix', async () => {
    @Gateway('/ws/uploads', { limits: { maxPayload: 1024 * 1024, byteBurst: 512 * 1024 } })
    class UploadGateway {}
    @Module({ imports: [SwitchboardModule.forRoot()], providers: [UploadGateway] })
    class M {}
    const error = await bootError(M);
    expect(error).toBeInstanceOf(SwitchboardBootError);
    expect(error.code).toBe('SB_INVALID_LIMITS');
    expect(error.message).toBe(
      'SB_INVALID_LIMITS: /ws/uploads: byteBurst (524288) is below maxPayload (1048576), so its largest frames would always be refused; raise byteBurst or lower maxPayload',
    );
  });

  it('takes the module limits under the gateway ones: a module byteBurst the gateway raises is fine', async () => {
    @Gateway('/ws', { limits: { byteBurst: 64 * 1024 } })
    class G {}
    @Module({ imports: [SwitchboardModule.forRoot({ limits: { maxPayload: 64 * 1024, byteBurst: 1024 } })], providers: [G] })
    class M {}
    const app = await NestFactory.create(M, { logger: false });
    await app.init();
    await app.close();
  });
});

describe('SB_INVALID_HISTORY: a history option that cannot work, or a backplane that keeps no history', () => {
  it.each([
    ['a size of 0', { rooms: ['chat'], size: 0 }, '/ws/h: history size must be a whole number above 0, got 0'],
    ['a fractional ttl', { rooms: ['chat'], ttl: 1.5 }, '/ws/h: history ttl must be a whole number of ms above 0, got 1.5'],
    [
      'rooms that are not names or patterns',
      { rooms: ['chat', 7] },
      '/ws/h: history rooms must be a list of room names and regular expressions, or a function (room) => boolean',
    ],
  ])('refuses %s, saying what to fix', async (_what, history, message) => {
    @Gateway('/ws/h', { history: history as never })
    class HistoryGateway {}
    @Module({ imports: [SwitchboardModule.forRoot()], providers: [HistoryGateway] })
    class M {}
    const error = await bootError(M);
    expect(error.code).toBe('SB_INVALID_HISTORY');
    expect(error.message).toBe(`SB_INVALID_HISTORY: ${message}`);
  });

  it('refuses history rooms on a backplane without history, naming it and what to use', async () => {
    class NoHistoryBackplane extends Backplane {
      readonly name = 'custom';
      protected readonly registry = new InProcessRegistry();
      constructor() {
        super();
      }
      protected publish(): void {}
    }
    @Gateway('/ws/h', { history: { rooms: ['chat'] } })
    class HistoryGateway {}
    @Module({ imports: [SwitchboardModule.forRoot({ backplane: new NoHistoryBackplane() })], providers: [HistoryGateway] })
    class M {}
    const error = await bootError(M);
    expect(error.message).toBe(
      'SB_INVALID_HISTORY: /ws/h lists history rooms, but the custom backplane keeps no history; use MemoryBackplane, ClusterIpcBackplane or RedisBackplane, or implement appendToHistory and readHistory',
    );
  });
});
