import { Injectable } from '@nestjs/common';
import type { RoomLimits } from './hub-connection';

/**
 * The room limits of each served route, by its pattern (`/ws/chat/:roomId`),
 * filled in once at boot. Every node of a deployment serves the same
 * gateways, so a node can hold another node's connection to its route's
 * limits: the registry says which route a connection is on.
 */
@Injectable()
export class RouteRoomLimits {
  private readonly byRoute = new Map<string, RoomLimits>();

  /** Records a served route's limits; called at boot for every route. */
  set(route: string, limits: RoomLimits): void {
    this.byRoute.set(route, limits);
  }

  /** The limits of `route`, or undefined for a route this node does not serve. */
  of(route: string): RoomLimits | undefined {
    return this.byRoute.get(route);
  }
}
