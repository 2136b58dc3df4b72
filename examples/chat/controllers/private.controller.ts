import { Connection, On, WsController, type WsConnection } from '../../../src';

/** Handlers of the token-protected route. */
@WsController()
export class PrivateController {
  /** Who the before-connect hook says this connection is. */
  @On('whoami')
  whoami(@Connection() connection: WsConnection) {
    return { id: connection.id, user: connection.data.user };
  }
}
