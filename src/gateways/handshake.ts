import { HttpException } from '@nestjs/common';
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { GatewayRoute } from '../controllers/gateway-explorer';
import type { ThrottledErrorLog } from '../errors/throttled-error-log';
import type { HandshakeContext } from '../options/gateway-hooks';

/** What the before-connect pipeline decided. */
export type HandshakeOutcome = { readonly ok: true } | { readonly ok: false; readonly status: number; readonly message: string };

/**
 * True when a handshake's `Origin` may connect: none (not a browser), the
 * same host as the request's `Host` (a page served by this app), or listed
 * in `allowed` (`'*'` lists every origin). Any other site is refused, so a
 * page elsewhere cannot open a connection with a visitor's cookies
 * (cross-site WebSocket hijacking).
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: readonly string[] | undefined): boolean {
  if (origin === undefined) return true;
  if (allowed && (allowed.includes('*') || allowed.includes(origin))) return true;
  return host !== undefined && hostOf(origin) === host.toLowerCase();
}

/** `host[:port]` of an origin as browsers send it (`https://chat.example:8443`), or undefined for `null` and garbage. */
function hostOf(origin: string): string | undefined {
  try {
    return new URL(origin).host;
  } catch {
    return undefined;
  }
}

/**
 * Runs the gateway's guards, then every before-connect hook in order (global,
 * decorator, gateway method). The first refusal wins; objects returned by
 * hooks are merged into the connection's `data`, as is `request.user` set by
 * a guard. Anything thrown other than an `HttpException` is a 500, logged
 * through `failures`: once per kind of error and interval, as clients can
 * cause it at will.
 */
export async function runHandshake(route: GatewayRoute, ctx: HandshakeContext, failures: ThrottledErrorLog): Promise<HandshakeOutcome> {
  try {
    await route.guard(ctx.request);
    const user = (ctx.request as IncomingMessage & { user?: unknown }).user;
    if (user !== undefined) ctx.data.user = user;
    for (const hook of route.beforeConnect) {
      const result = await hook(ctx);
      if (result === false) return { ok: false, status: 403, message: 'Forbidden' };
      if (typeof result === 'object' && result !== null) Object.assign(ctx.data, result);
    }
    return { ok: true };
  } catch (error) {
    if (error instanceof HttpException) return { ok: false, status: error.getStatus(), message: error.message };
    const kind = `before-connect on ${route.matcher.pattern} threw ${kindOf(error)}`;
    failures.error(kind, kind, error);
    return { ok: false, status: 500, message: 'Internal Server Error' };
  }
}

/** The class of a thrown value (`TypeError`, `JsonWebTokenError`), or its type when it is not an object. */
function kindOf(error: unknown): string {
  if (typeof error !== 'object' || error === null) return typeof error;
  return error.constructor?.name || 'object';
}

/** Answers an upgrade request with a plain HTTP error (and `Retry-After`, when given, in seconds) and closes the socket. */
export function refuseUpgrade(socket: Duplex, status: number, message: string, retryAfter?: number): void {
  if (socket.destroyed) return;
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
      'Connection: close\r\nContent-Type: text/plain; charset=utf-8\r\n' +
      (retryAfter === undefined ? '' : `Retry-After: ${retryAfter}\r\n`) +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}
