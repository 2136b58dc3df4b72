import { Module } from '@nestjs/common';
import { Gateway, On, SwitchboardModule, WsController } from '../../src';
import { bootError } from '../support/boot-error';

describe('programming mistakes are refused at boot with a code and what to fix', () => {
  @WsController()
  class ChatController {
    @On('hello')
    hello() {
      return 'hi';
    }
  }

  it('SB_CONTROLLER_NOT_PROVIDED: a listed controller no module provides', async () => {
    @Gateway('/ws', { controllers: [ChatController] })
    class G {}
    @Module({ imports: [SwitchboardModule.forRoot()], providers: [G] })
    class M {}
    const error = await bootError(M);
    expect(error.code).toBe('SB_CONTROLLER_NOT_PROVIDED');
    expect(error.message).toMatch(/ChatController .* add it to the providers of the module that declares G/);
  });

  it('SB_CONTROLLER_NOT_DECORATED: a listed class without @WsController()', async () => {
    class Plain {}
    @Gateway('/ws', { controllers: [Plain] })
    class G {}
    @Module({ imports: [SwitchboardModule.forRoot()], providers: [G, Plain] })
    class M {}
    expect((await bootError(M)).code).toBe('SB_CONTROLLER_NOT_DECORATED');
  });

  it('SB_RESERVED_EVENT: a handler for a built-in event', async () => {
    @WsController()
    class Bad {
      @On('joinRoom')
      join() {}
    }
    @Gateway('/ws', { controllers: [Bad] })
    class G {}
    @Module({ imports: [SwitchboardModule.forRoot()], providers: [G, Bad] })
    class M {}
    expect((await bootError(M)).message).toMatch(/SB_RESERVED_EVENT: Bad.join handles "joinRoom"/);
  });

  it('SB_DUPLICATE_EVENT: two controllers on one route claiming one event', async () => {
    @WsController()
    class Other {
      @On('hello')
      hello() {}
    }
    @Gateway('/ws', { controllers: [ChatController, Other] })
    class G {}
    @Module({ imports: [SwitchboardModule.forRoot()], providers: [G, ChatController, Other] })
    class M {}
    expect((await bootError(M)).code).toBe('SB_DUPLICATE_EVENT');
  });

  it('SB_INVALID_ROUTE and SB_DUPLICATE_ROUTE: malformed and repeated paths', async () => {
    @Gateway('ws/:', { controllers: [] })
    class G {}
    @Module({ imports: [SwitchboardModule.forRoot()], providers: [G] })
    class M {}
    expect((await bootError(M)).code).toBe('SB_INVALID_ROUTE');

    @Gateway('/same')
    class G1 {}
    @Gateway('/same/')
    class G2 {}
    @Module({ imports: [SwitchboardModule.forRoot()], providers: [G1, G2] })
    class M2 {}
    expect((await bootError(M2)).code).toBe('SB_DUPLICATE_ROUTE');
  });
});
