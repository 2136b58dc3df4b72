import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server } from 'node:http';
import { Backplane } from '../backplanes/backplane';
import { GatewayExplorer } from '../controllers/gateway-explorer';
import { SWITCHBOARD_OPTIONS, type SwitchboardOptions } from '../options/switchboard-options';
import { BootErrorCode, CloseCode, SwitchboardBootError } from '../protocol';
import { LocalHub } from '../services/local-hub';
import { NodeInbox } from '../services/node-inbox';
import { RouteRoomLimits } from '../services/route-room-limits';
import { HistoryRooms } from '../services/history-rooms';
import type { ClientConnection } from './client-connection';
import { ConnectionLifecycle } from './connection-lifecycle';
import { limitHandshakeTime } from './handshake-timeout';
import { Heartbeat } from './heartbeat';
import { UnusedSockets } from './unused-sockets';
import { UpgradeRouter } from './upgrade-router';

/** How long a client may take to send its handshake request, in ms, unless `handshakeTimeout` says otherwise. */
const DEFAULT_HANDSHAKE_TIMEOUT_MS = 10_000;

/**
 * Serves every `@Gateway()` route on the Nest app's HTTP server and owns the
 * backplane's lifecycle. At boot it reads the routes, starts the backplane,
 * and puts one upgrade listener on the HTTP server; at shutdown it stops
 * accepting, drains the connections and stops the backplane.
 */
@Injectable()
export class SwitchboardServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Switchboard');
  private readonly heartbeat: Heartbeat;
  private router?: UpgradeRouter;
  private unusedSockets?: UnusedSockets;

  constructor(
    private readonly explorer: GatewayExplorer,
    private readonly adapterHost: HttpAdapterHost,
    private readonly lifecycle: ConnectionLifecycle,
    private readonly inbox: NodeInbox,
    @Inject(Backplane) private readonly backplane: Backplane,
    hub: LocalHub<ClientConnection>,
    @Inject(SWITCHBOARD_OPTIONS) private readonly options: SwitchboardOptions,
    private readonly roomLimits: RouteRoomLimits,
    private readonly historyRooms: HistoryRooms,
  ) {
    this.heartbeat = new Heartbeat(hub);
  }

  async onApplicationBootstrap(): Promise<void> {
    const routes = this.explorer.explore();
    for (const route of routes) {
      this.roomLimits.set(route.matcher.pattern, route.limits);
      if (!route.history) continue;
      if (!this.backplane.keepsHistory) {
        throw new SwitchboardBootError(
          BootErrorCode.INVALID_HISTORY,
          `${route.matcher.pattern} lists history rooms, but the ${this.backplane.name} backplane keeps no history; use MemoryBackplane, ClusterIpcBackplane or RedisBackplane, or implement appendToHistory and readHistory`,
        );
      }
      this.historyRooms.add(route.history);
    }
    const httpServer = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!httpServer) {
      throw new SwitchboardBootError(
        BootErrorCode.NO_HTTP_SERVER,
        'Switchboard serves WebSockets on the Nest HTTP server; create the app with NestFactory.create(), not createApplicationContext()',
      );
    }
    await this.backplane.start(
      (message, _node, position) => this.inbox.receive(message, position),
      () => this.lifecycle.localConnections(),
      () => this.inbox.resumed(),
    );
    for (const route of routes) this.heartbeat.start(route);
    const handshakeTimeout = this.options.handshakeTimeout ?? DEFAULT_HANDSHAKE_TIMEOUT_MS;
    limitHandshakeTime(httpServer, handshakeTimeout);
    this.unusedSockets = new UnusedSockets(httpServer, handshakeTimeout);
    this.unusedSockets.attach();
    this.router = new UpgradeRouter(httpServer, routes, this.lifecycle.accept, (route, address) =>
      this.backplane.countConnectionsFrom(route, address),
    );
    this.router.listen();
    for (const route of routes) this.logger.log(`${route.gatewayName} serves ${route.matcher.pattern} (${route.handlers.size} events)`);
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
    this.router?.stopAccepting();
    this.heartbeat.stop();
    await this.lifecycle.drain(code, reason);
    this.router?.close();
  }
}
