import type { GatewayRoute } from '../controllers/gateway-explorer';
import type { LocalHub } from '../services/local-hub';
import type { ClientConnection } from './client-connection';

/**
 * Pings every connection of a route each `heartbeatInterval` and terminates
 * the ones that did not answer the previous ping: a peer that vanished
 * without a close (a cut cable, a sleeping laptop) is found within two
 * intervals.
 */
export class Heartbeat {
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(private readonly hub: LocalHub<ClientConnection>) {}

  /** Starts the route's timer, unless its `heartbeatInterval` is 0. */
  start(route: GatewayRoute): void {
    if (route.limits.heartbeatInterval <= 0) return;
    const timer = setInterval(() => this.beat(route.matcher.pattern), route.limits.heartbeatInterval);
    timer.unref();
    this.timers.push(timer);
  }

  stop(): void {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
  }

  private beat(route: string): void {
    for (const connection of this.hub.onRoute(route)) {
      if (!connection.alive) {
        connection.socket.terminate();
        continue;
      }
      connection.alive = false;
      connection.socket.ping();
    }
  }
}
