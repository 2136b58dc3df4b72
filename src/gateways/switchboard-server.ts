import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { Backplane } from '../backplanes/backplane';
import type { BackplaneMessage } from '../backplanes/backplane-message';
import type { LocalConnection } from '../backplanes/connection-info';
import { GatewayExplorer, type GatewayRoute } from '../controllers/gateway-explorer';
import { BootErrorCode, SwitchboardBootError } from '../protocol/switchboard-error';
import { stackOf } from '../errors/stack-of';
import { CloseCode, encodeFrame } from '../protocol';
import { connectionIdFactory } from '../protocol/connection-id';
import { Fanout } from '../services/fanout';
import { LocalHub } from '../services/local-hub';
import { Membership } from '../services/membership';
import { SWITCHBOARD_OPTIONS, type SwitchboardOptions } from '../options/switchboard-options';
import { ClientConnection } from './client-connection';
import { originAllowed, refuseUpgrade, runHandshake } from './handshake';
import type { HandshakeContext } from '../options/gateway-hooks';
import { MessageDispatcher } from './message-dispatcher';
import { shouldRefuseUnrouted } from './switchboard.adapter';
import { UnusedSockets } from './unused-sockets';

/** A served route and the `ws` server that completes its upgrades. */
interface ServedRoute {
  readonly route: GatewayRoute;
  readonly wss: WebSocketServer;
  heartbeat?: NodeJS.Timeout;
}

const CONNECTION = Symbol('switchboard.connection');
type TaggedSocket = WebSocket & { [CONNECTION]?: { connection: ClientConnection; route: GatewayRoute } };

/**
 * Serves every `@Gateway()` route on the Nest app's HTTP server: one upgrade
 * listener routes each request by path to its gateway, runs the handshake
 * pipeline, and accepts the socket with one message listener, however many
 * controllers share the route. Owns the backplane's lifecycle.
 */
@Injectable()
export class SwitchboardServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Switchboard');
  private readonly served: ServedRoute[] = [];
  private readonly closing = new Set<Promise<void>>();
  private readonly nextId: () => string;
  private httpServer?: Server;
  private unusedSockets?: UnusedSockets;
  private wakeDrain?: () => void;
  private accepting = false;

  constructor(
    private readonly explorer: GatewayExplorer,
    private readonly adapterHost: HttpAdapterHost,
    // Only this server adds connections to the hub, so every one it holds is a ClientConnection.
    private readonly hub: LocalHub<ClientConnection>,
    private readonly fanout: Fanout,
    private readonly membership: Membership,
    private readonly dispatcher: MessageDispatcher,
    @Inject(Backplane) private readonly backplane: Backplane,
    @Inject(SWITCHBOARD_OPTIONS) private readonly options: SwitchboardOptions,
  ) {
    this.nextId = connectionIdFactory(backplane.nodeId);
  }

  async onApplicationBootstrap(): Promise<void> {
    const routes = this.explorer.explore();
    const httpServer = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!httpServer) {
      throw new SwitchboardBootError(
        BootErrorCode.NO_HTTP_SERVER,
        'Switchboard serves WebSockets on the Nest HTTP server; create the app with NestFactory.create(), not createApplicationContext()',
      );
    }
    await this.backplane.start(
      (message) => this.onBackplaneMessage(message),
      () => this.localConnections(),
    );
    for (const route of routes) this.served.push(this.serve(route));
    this.httpServer = httpServer;
    this.unusedSockets = new UnusedSockets(httpServer);
    this.unusedSockets.attach();
    httpServer.on('upgrade', this.onUpgrade);
    this.accepting = true;
    for (const { route } of this.served) {
      this.logger.log(`${route.gatewayName} serves ${route.matcher.pattern} (${route.handlers.size} events)`);
    }
  }

  /**
   * Stops the HTTP server accepting (closing connections that never sent a
   * request), closes every client with 1001, clears the registry entries and
   * stops the backplane.
   */
  async beforeApplicationShutdown(): Promise<void> {
    this.unusedSockets?.stopAccepting();
    await this.drain(CloseCode.GOING_AWAY, 'server shutting down');
    await this.backplane.stop();
  }

  /**
   * Closes every client with `code`, waiting up to `closeTimeout` for each
   * to answer before terminating it, and removes their registry entries.
   */
  async drain(code: number, reason: string): Promise<void> {
    this.accepting = false;
    this.httpServer?.off('upgrade', this.onUpgrade);
    for (const served of this.served) clearInterval(served.heartbeat);
    const clients = [...this.hub.all()];
    for (const connection of clients) connection.close(code, reason);
    const timeout = setTimeout(() => {
      for (const connection of this.hub.all()) connection.socket.terminate();
    }, this.options.closeTimeout ?? 2000);
    timeout.unref();
    // Every socket emits 'close' (or is terminated by the timeout), and each
    // close settles one tracked cleanup, which wakes this loop.
    while (this.hub.size > 0 || this.closing.size > 0) {
      await new Promise<void>((resolve) => (this.wakeDrain = resolve));
    }
    clearTimeout(timeout);
    for (const served of this.served) served.wss.close();
  }

  private serve(route: GatewayRoute): ServedRoute {
    const wss = new WebSocketServer({
      noServer: true,
      clientTracking: false,
      perMessageDeflate: false,
      maxPayload: route.limits.maxPayload,
      handleProtocols: (offered) => route.subprotocols.find((p) => offered.has(p)) ?? false,
    });
    const served: ServedRoute = { route, wss };
    if (route.limits.heartbeatInterval > 0) {
      served.heartbeat = setInterval(() => this.heartbeat(route), route.limits.heartbeatInterval);
      served.heartbeat.unref();
    }
    return served;
  }

  private heartbeat(route: GatewayRoute): void {
    for (const connection of this.hub.onRoute(route.matcher.pattern)) {
      if (!connection.alive) {
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }

  // Listeners shared by every socket, so an idle connection costs no closures:
  // `this` is the socket, which carries its connection under a symbol.
  private readonly onSocketMessage = ((server: SwitchboardServer) =>
    function (this: TaggedSocket, data: RawData, isBinary: boolean): void {
      const tag = this[CONNECTION];
      if (tag) server.dispatcher.receive(tag.connection, tag.route, data as Buffer, isBinary);
    })(this);

  private readonly onSocketClose = ((server: SwitchboardServer) =>
    function (this: TaggedSocket, code: number, reason: Buffer): void {
      const tag = this[CONNECTION];
      if (tag) server.track(server.onClose(tag.route, tag.connection, code, reason.toString()));
    })(this);

  private readonly onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer): void => {
    void this.upgrade(request, socket, head);
  };

  private async upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://switchboard.invalid');
    let served: ServedRoute | undefined;
    let params: Record<string, string> | undefined;
    for (const candidate of this.served) {
      params = candidate.route.matcher.match(url.pathname);
      if (params) {
        served = candidate;
        break;
      }
    }
    if (!served || !params) {
      // Another upgrade listener (a plain Nest gateway, say) may own the path.
      if (this.httpServer && shouldRefuseUnrouted(this.httpServer, request)) refuseUpgrade(socket, 404, 'No WebSocket route at this path');
      return;
    }
    const { route, wss } = served;
    socket.on('error', ignoreSocketError);
    if (!this.accepting) return refuseUpgrade(socket, 503, 'Server is shutting down');
    if (!originAllowed(request.headers.origin, request.headers.host, route.limits.allowedOrigins)) {
      return refuseUpgrade(socket, 403, 'Origin not allowed');
    }
    const ctx: HandshakeContext = {
      request,
      path: url.pathname,
      route: route.matcher.pattern,
      params,
      query: Object.fromEntries(url.searchParams),
      headers: request.headers,
      data: {},
    };
    const outcome = await runHandshake(route, ctx);
    if (socket.destroyed) return;
    if (!outcome.ok) return refuseUpgrade(socket, outcome.status, outcome.message);
    if (!this.accepting) return refuseUpgrade(socket, 503, 'Server is shutting down');
    socket.off('error', ignoreSocketError);
    wss.handleUpgrade(request, socket, head, (ws) => void this.accept(route, ws, ctx));
  }

  private async accept(route: GatewayRoute, socket: WebSocket, ctx: HandshakeContext): Promise<void> {
    const connection = new ClientConnection({
      id: this.nextId(),
      socket,
      path: ctx.path,
      route: route.matcher.pattern,
      params: ctx.params,
      query: ctx.query,
      headers: ctx.headers,
      data: ctx.data,
      remoteAddress: ctx.request.socket.remoteAddress,
      limits: route.limits,
    });
    (socket as TaggedSocket)[CONNECTION] = { connection, route };
    socket.on('message', this.onSocketMessage);
    socket.on('pong', onSocketPong);
    socket.on('error', onSocketError);
    socket.once('close', this.onSocketClose);

    const { rooms: _none, ...record } = connection.describe(this.backplane.nodeId);
    try {
      await this.backplane.addConnection(record);
    } catch (error) {
      // Served unregistered, it would be invisible to every other node; refused, its client retries.
      this.logger.error(`registry: could not record ${connection.id}; closing it with 1013`, stackOf(error));
      connection.close(CloseCode.TRY_AGAIN_LATER, 'connection registry unavailable; try again');
      return;
    }
    if (socket.readyState !== socket.OPEN) return;
    if (!this.accepting) {
      // Shutdown began while the registry was written; the close listener undoes it.
      connection.close(CloseCode.GOING_AWAY, 'server shutting down');
      return;
    }
    this.hub.add(connection);
    connection.write(Buffer.from(encodeFrame({ kind: 'connected', id: connection.id }) as string), false);
    try {
      for (const hook of route.onConnect) await hook(connection);
    } catch (error) {
      this.logger.error(`on-connect hook of ${route.matcher.pattern} failed`, stackOf(error));
      connection.close(CloseCode.INTERNAL_ERROR, 'connection setup failed');
      return;
    }
    connection.ready = true;
    if (connection.inbox.length > 0) void this.dispatcher.drain(connection, route);
  }

  private async onClose(route: GatewayRoute, connection: ClientConnection, code: number, reason: string): Promise<void> {
    connection.ready = false;
    connection.inbox.length = 0;
    const info = {
      ...connection.describe(this.backplane.nodeId),
      code,
      reason,
      durationMs: Date.now() - connection.connectTime.getTime(),
    };
    // Only a connection that was accepted (got `connected`, ran the on-connect hooks) has a disconnect to report.
    const accepted = this.hub.get(connection.id) === connection;
    this.hub.remove(connection);
    try {
      await this.backplane.removeConnection(connection.id);
    } catch (error) {
      this.logger.error(`registry: could not remove ${connection.id}`, stackOf(error));
    }
    if (!accepted) return;
    for (const hook of route.onDisconnect) {
      try {
        await hook(info, connection);
      } catch (error) {
        this.logger.error(`on-disconnect hook of ${route.matcher.pattern} failed`, stackOf(error));
      }
    }
  }

  /** This node's connections as the registry should hold them; a backplane writes them back after losing its state. */
  private localConnections(): LocalConnection[] {
    return [...this.hub.all()].map((connection) => ({
      ...connection.describe(this.backplane.nodeId),
      version: connection.version,
    }));
  }

  private onBackplaneMessage(message: BackplaneMessage): void {
    if (message.type === 'deliver') this.fanout.receive(message);
    else this.membership.apply(message);
  }

  private track(work: Promise<void>): void {
    this.closing.add(work);
    void work.finally(() => {
      this.closing.delete(work);
      this.wakeDrain?.();
    });
  }
}

function onSocketPong(this: TaggedSocket): void {
  const tag = this[CONNECTION];
  if (tag) tag.connection.alive = true;
}

function onSocketError(): void {
  // ws closes the socket itself (1002, 1009 …); the close listener cleans up.
}

function ignoreSocketError(): void {}
