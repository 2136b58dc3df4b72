// What docs/reference/errors.md says of each client code. A Record over the
// codes, so a code added without a description does not compile. index.ts does
// not import it: the bundles stay as they were; the docs generator reads it.
import type { ErrorDescription } from '../src/protocol/error-catalog';
import type { ClientErrorCode } from './errors';

/** Every `ClientErrorCode`, described. */
export const CLIENT_ERROR_CATALOG: Readonly<Record<ClientErrorCode, ErrorDescription>> = {
  TIMEOUT: {
    when: 'A request or room change got no reply within its timeout.',
    fix: 'The server may still have handled it: retry only what is safe to repeat, or raise the timeout.',
  },
  DISCONNECTED: {
    when: 'The connection closed after a request was sent and before its reply arrived.',
    fix: 'The server may or may not have handled it: retry what is safe to repeat once the client is connected again.',
  },
  CLOSED: {
    when: '`close()` was called, or the client stopped reconnecting, while this was pending.',
    fix: 'Expected after `close()`; otherwise see the close code or `RECONNECT_FAILED` for why the client stopped.',
  },
  QUEUE_FULL: {
    when: 'The offline queue was full while the client was disconnected; see `queue.overflow`.',
    fix: 'Send less while offline, raise `queue.size`, or choose another `queue.overflow` policy.',
  },
  CANCELLED: {
    when: '`leaveRoom()` was called before the pending `joinRoom()` of the same room completed.',
    fix: 'Nothing to do: the later call wins.',
  },
  HANDSHAKE_REJECTED: {
    when: 'The server refused the WebSocket handshake with HTTP 401 or 403 (`details.status`); the client does not retry.',
    fix: 'Connect again with valid credentials (a fresh token, an allowed origin).',
  },
  CONNECT_FAILED: {
    when: 'One connection attempt failed: refused, unreachable, or no `connected` frame in time.',
    fix: 'The client retries by itself; check the URL and that the server runs if it keeps failing.',
  },
  RECONNECT_FAILED: {
    when: '`reconnect.maxAttempts` attempts in a row failed; the client stopped.',
    fix: 'Check the server and the network, then create a new client (or raise `reconnect.maxAttempts`).',
  },
  BAD_FRAME: {
    when: 'The server sent a text frame that is not a JSON object with a string `event`.',
    fix: 'Check that the URL points at a Switchboard route; the frame was dropped.',
  },
  LISTENER_FAILED: {
    when: 'A handler registered with `on()`, or a lifecycle callback, threw.',
    fix: 'Fix the listener: `details.error` is what it threw. The other listeners still ran.',
  },
};
