import { WsAdapter } from '@nestjs/platform-ws';
import * as http from 'node:http';
import type { Duplex } from 'node:stream';
import { normalizePath } from '../controllers/route-matcher';

/** HTTP servers whose plain Nest gateways are served by a `SwitchboardAdapter`. */
const sharingServers = new WeakSet<http.Server>();
/** Upgrade requests a `SwitchboardAdapter` took for one of Nest's gateways. */
const claimedRequests = new WeakSet<http.IncomingMessage>();

/**
 * True when Switchboard should answer an upgrade request no gateway of its
 * own serves with 404: no `SwitchboardAdapter` took it, and no upgrade
 * listener but Switchboard's and the adapter's might still answer it.
 */
export function shouldRefuseUnrouted(server: http.Server, request: http.IncomingMessage): boolean {
  if (claimedRequests.has(request)) return false;
  const others = server.listenerCount('upgrade') - 1 - (sharingServers.has(server) ? 1 : 0);
  return others === 0;
}

/**
 * Nest's `@nestjs/platform-ws` adapter, for apps that keep plain
 * `@WebSocketGateway()` classes next to Switchboard gateways on one HTTP
 * server. Nest's own adapter destroys every upgrade request for a path it
 * does not serve, Switchboard's included; this one serves its gateways'
 * paths and leaves every other path to Switchboard.
 *
 * @example
 * const app = await NestFactory.create(AppModule);
 * app.useWebSocketAdapter(new SwitchboardAdapter(app));
 */
export class SwitchboardAdapter extends WsAdapter {
  protected override ensureHttpServerExists(port: number, httpServer: http.Server = http.createServer()): http.Server | undefined {
    if (this.httpServersRegistry.has(port)) return undefined;
    this.httpServersRegistry.set(port, httpServer);
    sharingServers.add(httpServer);
    httpServer.on('upgrade', (request: http.IncomingMessage, socket: Duplex, head: Buffer) => {
      const pathname = normalizePath(new URL(request.url ?? '/', 'ws://adapter.invalid').pathname);
      const server = (this.wsServersRegistry.get(port) ?? []).find((entry) => entry.path === pathname);
      // Not one of Nest's gateways: Switchboard's listener answers it.
      if (!server) return;
      claimedRequests.add(request);
      server.handleUpgrade(request, socket, head, (ws: unknown) => server.emit('connection', ws, request));
    });
    return httpServer;
  }
}
