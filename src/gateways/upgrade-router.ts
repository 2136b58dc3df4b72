import { Logger } from '@nestjs/common';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { GatewayRoute } from '../controllers/gateway-explorer';
import { ThrottledErrorLog } from '../errors/throttled-error-log';
import type { HandshakeContext } from '../options/gateway-hooks';
import { ConnectionAdmission, type AdmissionRelease } from './connection-admission';
import { originAllowed, refuseUpgrade, runHandshake } from './handshake';
import { offeredSubprotocols, subprotocolRefusal } from './subprotocol-check';
import { shouldRefuseUnrouted } from './switchboard.adapter';

/** Called with each socket a route accepted, and the handshake context its hooks filled in. */
export type AcceptSocket = (route: GatewayRoute, socket: WebSocket, ctx: HandshakeContext) => void;

/** A served route, the `ws` server that completes its upgrades, and who may start one. */
interface ServedRoute {
  readonly route: GatewayRoute;
  readonly wss: WebSocketServer;
  readonly admission: ConnectionAdmission;
}

/**
 * The one upgrade listener on the HTTP server: routes each request by path
 * to its gateway, checks the Origin and the subprotocol, admits it under the
 * route's connection caps, runs the before-connect pipeline and completes
 * the upgrade. Paths no gateway serves are left to other upgrade
 * listeners, or refused with 404 when there are none.
 */
export class UpgradeRouter {
  private readonly served: ServedRoute[];
  private accepting = true;
  /** Hooks that throw: a client can make them throw at will, so each kind is logged once a minute. */
  private readonly failures = new ThrottledErrorLog(new Logger('SwitchboardHandshake'));

  constructor(
    private readonly httpServer: Server,
    routes: readonly GatewayRoute[],
    private readonly onAccept: AcceptSocket,
    clusterCount?: (route: string, address: string) => Promise<number | undefined>,
  ) {
    this.served = routes.map((route) => ({
      route,
      wss: serverFor(route),
      admission: new ConnectionAdmission(route.limits, clusterCount && ((address) => clusterCount(route.matcher.pattern, address))),
    }));
  }

  /** Starts taking upgrades. */
  listen(): void {
    this.httpServer.on('upgrade', this.onUpgrade);
  }

  /** Stops taking upgrades: a handshake still in its hooks is refused with 503 when they finish. */
  stopAccepting(): void {
    this.accepting = false;
    this.httpServer.off('upgrade', this.onUpgrade);
  }

  /** Releases the `ws` servers and logs the handshake failures still counted; called once every connection closed. */
  close(): void {
    for (const { wss } of this.served) wss.close();
    this.failures.close();
  }

  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    void this.upgrade(request, socket, head);
  };

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://switchboard.invalid');
    const match = this.match(url.pathname);
    if (!match) {
      // Another upgrade listener (a plain Nest gateway, say) may own the path.
      if (shouldRefuseUnrouted(this.httpServer, request)) refuseUpgrade(socket, 404, 'No WebSocket route at this path');
      return;
    }
    const { served, params } = match;
    const { route, admission } = served;
    socket.on('error', ignoreSocketError);
    if (!this.accepting) return refuseUpgrade(socket, 503, 'Server is shutting down');
    if (!originAllowed(request.headers.origin, request.headers.host, route.limits.allowedOrigins)) {
      return refuseUpgrade(socket, 403, 'Origin not allowed');
    }
    const refusal = subprotocolRefusal(route, offeredSubprotocols(request.headers['sec-websocket-protocol']));
    if (refusal) return refuseUpgrade(socket, 400, refusal);
    const address = admission.clientAddress(request);
    const place = await admission.admit(address);
    if (typeof place !== 'function') return refuseUpgrade(socket, place.status, place.message, place.retryAfter);
    let accepted = false;
    try {
      accepted = await this.complete(served, { request, address, url, params }, socket, head, place);
    } finally {
      if (!accepted) place();
    }
  }

  /** Runs the hooks and completes the upgrade; true once the socket is a connection (its close gives the place back). */
  private async complete(
    { route, wss }: ServedRoute,
    { request, address, url, params }: { request: IncomingMessage; address: string; url: URL; params: Record<string, string> },
    socket: Duplex,
    head: Buffer,
    release: AdmissionRelease,
  ): Promise<boolean> {
    const ctx: HandshakeContext = {
      request,
      path: url.pathname,
      route: route.matcher.pattern,
      params,
      query: Object.fromEntries(url.searchParams),
      headers: request.headers,
      address,
      data: {},
    };
    const outcome = await runHandshake(route, ctx, this.failures);
    if (socket.destroyed) return false;
    if (!outcome.ok) {
      refuseUpgrade(socket, outcome.status, outcome.message);
      return false;
    }
    if (!this.accepting) {
      refuseUpgrade(socket, 503, 'Server is shutting down');
      return false;
    }
    socket.off('error', ignoreSocketError);
    // handleUpgrade may still abort the handshake (a bad Sec-WebSocket-Key): then the socket closes without a WebSocket.
    socket.once('close', release);
    wss.handleUpgrade(request, socket, head, (ws) => this.onAccept(route, ws, ctx));
    return true;
  }

  private match(path: string): { served: ServedRoute; params: Record<string, string> } | undefined {
    for (const served of this.served) {
      const params = served.route.matcher.match(path);
      if (params) return { served, params };
    }
    return undefined;
  }
}

function serverFor(route: GatewayRoute): WebSocketServer {
  return new WebSocketServer({
    noServer: true,
    clientTracking: false,
    perMessageDeflate: false,
    maxPayload: route.limits.maxPayload,
    handleProtocols: (offered) => route.subprotocols.find((p) => offered.has(p)) ?? false,
  });
}

/** A client that resets during the handshake: the upgrade is simply abandoned. */
function ignoreSocketError(): void {}
