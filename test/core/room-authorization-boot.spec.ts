import { Injectable, Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Gateway, SwitchboardModule, type JoinOptions, type RoomAuthorizer } from '../../src';
import { bootError } from '../support/boot-error';

/** A module serving one gateway with these `joins` options, plus `providers`. */
function withJoins(joins: JoinOptions, providers: Type<unknown>[] = []): Type<unknown> {
  @Gateway('/ws', { joins })
  class G {}
  @Module({ imports: [SwitchboardModule.forRoot()], providers: [G, ...providers] })
  class M {}
  return M;
}

describe('misconfigured joins options are refused at boot with a code and what to fix', () => {
  @Injectable()
  class Authorizer implements RoomAuthorizer {
    canJoin(): boolean {
      return true;
    }
  }

  it('SB_JOIN_AUTHORIZER_NOT_PROVIDED: an authorizer class no module provides', async () => {
    const error = await bootError(withJoins({ authorize: Authorizer }));
    expect(error.code).toBe('SB_JOIN_AUTHORIZER_NOT_PROVIDED');
    expect(error.message).toMatch(
      /Authorizer is the joins.authorize of G but no module provides it; add it to the providers of the module that declares G/,
    );
  });

  it('boots when the module provides it', async () => {
    const app = await NestFactory.create(withJoins({ authorize: Authorizer }, [Authorizer]), { logger: false });
    await app.init();
    await app.close();
  });

  it('SB_INVALID_JOIN_OPTIONS: a provided class without canJoin', async () => {
    @Injectable()
    class NotAnAuthorizer {}
    const error = await bootError(withJoins({ authorize: NotAnAuthorizer as Type<RoomAuthorizer> }, [NotAnAuthorizer]));
    expect(error.code).toBe('SB_INVALID_JOIN_OPTIONS');
    expect(error.message).toMatch(/NotAnAuthorizer .* has no canJoin\(connection, room\) method; implement RoomAuthorizer/);
  });

  it('SB_INVALID_JOIN_OPTIONS: an authorize that is neither a function nor a class', async () => {
    const error = await bootError(withJoins({ authorize: { canJoin: () => true } as unknown as Type<RoomAuthorizer> }));
    expect(error.code).toBe('SB_INVALID_JOIN_OPTIONS');
    expect(error.message).toMatch(/joins.authorize of G must be a function/);
  });

  it('SB_INVALID_JOIN_OPTIONS: an authorizer with client joins turned off', async () => {
    const error = await bootError(withJoins({ clientJoins: false, authorize: () => true }));
    expect(error.code).toBe('SB_INVALID_JOIN_OPTIONS');
    expect(error.message).toMatch(/G sets joins.clientJoins to false, so its joins.authorize would never run; remove one of them/);
  });

  it('SB_INVALID_JOIN_OPTIONS: a canJoin method on a gateway with client joins turned off, or a clientJoins that is not a boolean', async () => {
    @Gateway('/ws', { joins: { clientJoins: false } })
    class G implements RoomAuthorizer {
      canJoin(): boolean {
        return true;
      }
    }
    @Module({ imports: [SwitchboardModule.forRoot()], providers: [G] })
    class M {}
    expect((await bootError(M)).message).toMatch(/G sets joins.clientJoins to false, so its canJoin method would never run/);
    const error = await bootError(withJoins({ clientJoins: 'no' as unknown as boolean }));
    expect(error.message).toBe('SB_INVALID_JOIN_OPTIONS: joins.clientJoins of G must be true or false');
  });

  it('SB_SCOPED_PROVIDER: a request-scoped authorizer', async () => {
    const { Scope } = await import('@nestjs/common');
    @Injectable({ scope: Scope.REQUEST })
    class Scoped implements RoomAuthorizer {
      canJoin(): boolean {
        return true;
      }
    }
    const error = await bootError(withJoins({ authorize: Scoped }, [Scoped]));
    expect(error.code).toBe('SB_SCOPED_PROVIDER');
  });
});
