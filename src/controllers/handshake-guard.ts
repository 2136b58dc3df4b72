import { ForbiddenException, type CanActivate, type Type } from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants';
import type { ModuleRef } from '@nestjs/core';
import { FORBIDDEN_MESSAGE } from '@nestjs/core/guards/constants';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { IncomingMessage } from 'node:http';
import { isObservable, lastValueFrom } from 'rxjs';
import { BootErrorCode, SwitchboardBootError } from '../protocol/switchboard-error';
import { HEADERLESS_RESPONSE, NO_NEXT } from './headerless-response';

/** Runs a gateway's handshake guards on an upgrade request: resolves when all pass, rejects with what refused it. */
export type HandshakeGuard = (request: IncomingMessage) => Promise<void>;

const HANDSHAKE_METHOD = 'beforeConnect';
/** What `context.getHandler()` is for a gateway without a `beforeConnect` method of its own. */
function beforeConnect(): void {}
const pass: HandshakeGuard = async () => undefined;

/**
 * The guards a gateway declares for its handshake, resolved once at boot:
 * `@UseGuards()` on the gateway class, then on its `beforeConnect` method.
 * They run on the upgrade request in an `http` context: `getRequest()` is the
 * request, given an `ip` (the peer's address, as Express names it) when it has
 * none, and `getResponse()` a response that drops the headers set on it.
 * Global guards (`APP_GUARD`, `useGlobalGuards()`) are not among them: as in
 * Nest's own gateways, they run on each message, never on the upgrade.
 */
export function createHandshakeGuard(gateway: object, moduleRef: ModuleRef): HandshakeGuard {
  const own = (gateway as Record<string, unknown>)[HANDSHAKE_METHOD];
  const handler = typeof own === 'function' ? (own as () => unknown) : beforeConnect;
  const declared = [...metadataOf(gateway.constructor), ...metadataOf(handler)];
  if (declared.length === 0) return pass;
  const guards = declared.map((entry) => instanceOf(entry, moduleRef));
  const gatewayClass = gateway.constructor as Type;
  return async (request) => {
    const withIp = request as IncomingMessage & { ip?: string };
    withIp.ip ??= request.socket.remoteAddress;
    const context = new ExecutionContextHost([request, HEADERLESS_RESPONSE, NO_NEXT], gatewayClass, handler);
    for (const guard of guards) {
      if (!(await verdict(guard.canActivate(context)))) throw new ForbiddenException(FORBIDDEN_MESSAGE);
    }
  };
}

function metadataOf(target: object): unknown[] {
  const value: unknown = Reflect.getMetadata(GUARDS_METADATA, target);
  return Array.isArray(value) ? value : [];
}

/** Nest registers `@UseGuards(GuardClass)` of a provider as an injectable of its module, so it is found there, dependencies resolved. */
function instanceOf(entry: unknown, moduleRef: ModuleRef): CanActivate {
  const guard = typeof entry === 'function' ? moduleRef.get(entry as Type<CanActivate>, { strict: false }) : entry;
  if (typeof (guard as Partial<CanActivate> | null)?.canActivate !== 'function') {
    // createHandshakeGuard() runs while the gateways are explored, so this stops the boot.
    throw new SwitchboardBootError(
      BootErrorCode.INVALID_GUARD,
      `${nameOf(entry)} given to @UseGuards() is not a guard: it has no canActivate() method`,
    );
  }
  return guard as CanActivate;
}

function nameOf(entry: unknown): string {
  return typeof entry === 'function' ? entry.name : String(entry);
}

async function verdict(result: ReturnType<CanActivate['canActivate']>): Promise<boolean> {
  const value = await result;
  return isObservable(value) ? lastValueFrom(value) : value;
}
