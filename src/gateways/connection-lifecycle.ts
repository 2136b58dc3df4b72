import { Inject, Injectable, Logger } from '@nestjs/common';
import type { RawData, WebSocket } from 'ws';
import { Backplane } from '../backplanes/backplane';
import type { LocalConnection } from '../backplanes/connection-info';
import type { GatewayRoute } from '../controllers/gateway-explorer';
import { stackOf } from '../errors/stack-of';
import { ThrottledErrorLog } from '../errors/throttled-error-log';
import type { HandshakeContext } from '../options/gateway-hooks';
import { SWITCHBOARD_OPTIONS, type SwitchboardOptions } from '../options/switchboard-options';
import { CloseCode, connectionIdFactory, encodeFrame } from '../protocol';
import { LocalHub } from '../services/local-hub';
import { ClientConnection } from './client-connection';
import { MessageDispatcher } from './message-dispatcher';

const CONNECTION = Symbol('switchboard.connection');
type TaggedSocket = WebSocket & { [CONNECTION]?: { connection: ClientConnection; route: GatewayRoute } };

/**
 * A connection from accept to close: records it in the registry, sends
 * `connected`, runs the on-connect hooks, feeds its frames to the
 * dispatcher, and on close removes it everywhere and runs the on-disconnect
 * hooks. `drain()` closes them all for a shutdown.
 */
@Injectable()
export class ConnectionLifecycle {
  private readonly logger = new Logger('Switchboard');
  private readonly hookFailures = new ThrottledErrorLog(this.logger);
  private readonly closing = new Set<Promise<void>>();
  private readonly nextId: () => string;
  private wakeDrain?: () => void;
  private accepting = true;

  constructor(
    // Only this class adds connections to the hub, so every one it holds is a ClientConnection.
    private readonly hub: LocalHub<ClientConnection>,
    private readonly dispatcher: MessageDispatcher,
    @Inject(Backplane) private readonly backplane: Backplane,
    @Inject(SWITCHBOARD_OPTIONS) private readonly options: SwitchboardOptions,
  ) {
    this.nextId = connectionIdFactory(backplane.nodeId);
  }

  /** Takes a socket the upgrade router accepted. */
  readonly accept = (route: GatewayRoute, socket: WebSocket, ctx: HandshakeContext): void => {
    void this.open(route, socket, ctx);
  };

  /** This node's connections as the registry should hold them; a backplane writes them back after losing its state. */
  localConnections(): LocalConnection[] {
    return [...this.hub.all()].map((connection) => ({
      ...connection.describe(this.backplane.nodeId),
      version: connection.version,
      address: connection.address,
    }));
  }

  /**
   * Closes every client with `code`, waiting up to `closeTimeout` for each
   * to answer before terminating it, and removes their registry entries.
   */
  async drain(code: number, reason: string): Promise<void> {
    this.accepting = false;
    for (const connection of [...this.hub.all()]) connection.close(code, reason);
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
    this.hookFailures.close();
  }

  private async open(route: GatewayRoute, socket: WebSocket, ctx: HandshakeContext): Promise<void> {
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
      address: ctx.address,
      limits: route.limits,
    });
    (socket as TaggedSocket)[CONNECTION] = { connection, route };
    socket.on('message', this.onSocketMessage);
    socket.on('pong', onSocketPong);
    socket.on('error', this.onSocketError);
    socket.once('close', this.onSocketClose);

    const { rooms: _none, ...record } = connection.describe(this.backplane.nodeId);
    try {
      await this.backplane.addConnection({ ...record, address: connection.address });
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
    const { bytes, binary } = encodeFrame({ kind: 'connected', id: connection.id });
    connection.write(bytes, binary);
    try {
      for (const hook of route.onConnect) await hook(connection);
    } catch (error) {
      this.logger.error(`on-connect hook of ${route.matcher.pattern} failed`, stackOf(error));
      connection.close(CloseCode.INTERNAL_ERROR, 'connection setup failed');
      return;
    }
    connection.inbox.ready = true;
    if (connection.inbox.frames.length > 0) void this.dispatcher.drain(connection, route);
  }

  private async onClose(route: GatewayRoute, connection: ClientConnection, code: number, reason: string): Promise<void> {
    connection.inbox.close();
    const info = { ...connection.describe(this.backplane.nodeId), code, reason, durationMs: Date.now() - connection.connectTime.getTime() };
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

  // Listeners shared by every socket, so an idle connection costs no closures:
  // `this` is the socket, which carries its connection under a symbol.
  private readonly onSocketMessage = ((lifecycle: ConnectionLifecycle) =>
    function (this: TaggedSocket, data: RawData, isBinary: boolean): void {
      const tag = this[CONNECTION];
      if (tag) lifecycle.dispatcher.receive(tag.connection, tag.route, data as Buffer, isBinary);
    })(this);

  private readonly onSocketClose = ((lifecycle: ConnectionLifecycle) =>
    function (this: TaggedSocket, code: number, reason: Buffer): void {
      const tag = this[CONNECTION];
      if (tag) lifecycle.track(lifecycle.onClose(tag.route, tag.connection, code, reason.toString()));
    })(this);

  // ws closes the socket itself after an error (1002, 1009 …) and the close listener cleans up; the hooks are told first.
  private readonly onSocketError = ((lifecycle: ConnectionLifecycle) =>
    function (this: TaggedSocket, error: Error): void {
      const tag = this[CONNECTION];
      if (tag && tag.route.onError.length > 0) void lifecycle.reportError(tag.route, tag.connection, error);
    })(this);

  private async reportError(route: GatewayRoute, connection: ClientConnection, error: Error): Promise<void> {
    for (const hook of route.onError) {
      try {
        await hook(error, connection);
      } catch (failure) {
        // Clients cause socket errors at will: a hook that fails on each would otherwise flood the log.
        const kind = `on-error hook of ${route.matcher.pattern} failed`;
        this.hookFailures.error(kind, kind, failure);
      }
    }
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
