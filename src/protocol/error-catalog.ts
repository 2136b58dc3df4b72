// The one list of every code the server can give: wire codes, close codes,
// boot codes, runtime codes. Each table is a Record over its code type, so a
// code added without a description does not compile. docs/reference/errors.md
// is generated from it (npm run docs:errors), with the client's and the CLI's
// codes, which their packages describe (client/error-catalog.ts, cli/error-catalog.ts).
import type { BootErrorCode } from './boot-error-codes';
import { CloseCode } from './close-codes';
import type { ErrorCode } from './error-codes';
import type { RuntimeErrorCode } from './runtime-error-codes';

/** Where a server code shows up: an `exception` frame, a close frame, a failed boot, a rejected call. */
export type ErrorKind = 'wire' | 'close' | 'boot' | 'runtime';

/** What the catalog says of one code, one line each. */
export interface ErrorDescription {
  /** When it happens. */
  readonly when: string;
  /** What to do about it. */
  readonly fix: string;
}

/** One code of the catalog. */
export interface CatalogEntry extends ErrorDescription {
  readonly kind: ErrorKind;
  readonly code: string | number;
  /** A close code's name in `CloseCode`. */
  readonly name?: string;
}

const WIRE: Readonly<Record<ErrorCode, ErrorDescription>> = {
  BAD_FRAME: {
    when: 'A client frame is not JSON, not an object, nests deeper than `maxDepth`, has no string `event` or an `id` that is neither a string nor a number; or a binary frame reached a route without `@OnBinary()`.',
    fix: 'Fix the client: send JSON text `{ "event": string, "message"?: any, "id"?: string | number }`. The connection stays open.',
  },
  UNKNOWN_EVENT: {
    when: "No handler serves the frame's event on this route (`__proto__`, `constructor`, `toString` included).",
    fix: 'Check the event name and the route the client connected to, or add an `@On()` handler to a controller of that gateway.',
  },
  VALIDATION_FAILED: {
    when: 'A validation pipe refused the message, or the handler threw another HTTP 400; `fields` maps each failing property to its messages (`WsValidationPipe`), or holds them under `""` (Nest\'s `ValidationPipe`).',
    fix: 'Send a message the handler accepts: `fields` says which properties to fix.',
  },
  FORBIDDEN: {
    when: "A guard refused the frame, the handler threw a 403, or the route's authorization refused a client `joinRoom` (`joins`, a guard, `canJoin`, `clientJoins: false`): not joined on any node.",
    fix: 'The user may not do this: do not retry as is.',
  },
  UNAUTHORIZED: {
    when: 'The handler threw a 401.',
    fix: 'Authenticate again (a fresh token, a new connection), then retry.',
  },
  NOT_FOUND: {
    when: 'The handler threw a 404.',
    fix: 'What was asked for does not exist: do not retry as is.',
  },
  RATE_LIMITED: {
    when: 'The connection sends faster than `rateLimit`/`rateBurst` allow, has 256 frames waiting for handlers, or the handler threw a 429; the frame was not handled.',
    fix: 'Send less often and back off; kept up for `rateLimitCloseAfter` frames, the connection is closed with 1008.',
  },
  INVALID_ROOM: {
    when: 'A room name is empty, longer than `maxRoomNameLength`, or holds characters other than letters, digits and `_ - . : @ / #`; not joined.',
    fix: 'Use a valid room name.',
  },
  TOO_MANY_ROOMS: {
    when: 'The connection is already in `maxRoomsPerConnection` rooms; not joined.',
    fix: 'Leave a room first, or raise the limit on the server.',
  },
  ERROR: {
    when: 'A handler threw a `WsException` without a code of its own, or an HTTP exception whose status has no code here (another 4xx); its message is sent.',
    fix: 'Read the message, which the application chose; throw `WsException({ code, message })` to give clients a code to switch on.',
  },
  INTERNAL: {
    when: 'A handler threw anything else (5xx HTTP exceptions included), or the connection registry failed to apply a `joinRoom`/`leaveRoom`; the client gets `Internal server error`.',
    fix: 'Look in the server log, which has the details. A failed join or leave changed nothing and may be retried.',
  },
};

const CLOSE: Readonly<Record<keyof typeof CloseCode, ErrorDescription>> = {
  NORMAL_CLOSURE: {
    when: '`realtimeService.disconnect()` closed the connection.',
    fix: 'The server meant it: the client SDK does not reconnect.',
  },
  GOING_AWAY: {
    when: 'The server is shutting down or draining (`app.close()`; SIGTERM or SIGINT in cluster mode).',
    fix: 'Reconnect: another node, or the restarted one, takes the connection. The client SDK retries at once.',
  },
  POLICY_VIOLATION: {
    when: 'The connection kept exceeding its rate limit (`rateLimitCloseAfter` refused frames in a row).',
    fix: 'Slow the client down; reconnecting to send as fast again is refused the same way. The client SDK does not retry.',
  },
  MESSAGE_TOO_BIG: {
    when: 'A frame was larger than `maxPayload`.',
    fix: 'Send smaller frames, or raise `maxPayload` on the server.',
  },
  INTERNAL_ERROR: {
    when: 'An on-connect hook failed.',
    fix: "Look in the server log for the hook's error.",
  },
  TRY_AGAIN_LATER: {
    when: 'The client read too slowly (its send buffer passed `highWaterMark`), or the connection registry (the backplane) would not record the new connection.',
    fix: 'Reconnect after a pause, as the client SDK does; a slow reader should read faster or subscribe to less.',
  },
};

const BOOT: Readonly<Record<BootErrorCode, ErrorDescription>> = {
  SB_CONTROLLER_NOT_PROVIDED: {
    when: 'A controller listed in `@Gateway(path, { controllers })` is not a provider of any module.',
    fix: 'Add it to the `providers` of a module.',
  },
  SB_CONTROLLER_NOT_DECORATED: {
    when: 'A listed controller has no `@WsController()`.',
    fix: 'Decorate it with `@WsController()`, or take it out of `controllers`.',
  },
  SB_DUPLICATE_EVENT: {
    when: "Two handlers (or two `@OnBinary()`) for one event on one route, in one controller or across the route's controllers.",
    fix: 'Keep one handler per event and route: rename one of the events.',
  },
  SB_RESERVED_EVENT: {
    when: 'A handler for `connected`, `exception`, `joinRoom` or `leaveRoom`, which the protocol handles itself.',
    fix: 'Pick another event name.',
  },
  SB_DUPLICATE_ROUTE: {
    when: 'Two gateways serve one path.',
    fix: 'Give each gateway its own path.',
  },
  SB_INVALID_ROUTE: {
    when: 'A gateway path that does not start with `/`, or a parameter that is not `:` and a name (`:roomId`).',
    fix: 'Write the path as `/chat` or `/rooms/:roomId`.',
  },
  SB_NO_HTTP_SERVER: {
    when: 'No HTTP server to serve the routes on: the app was made with `createApplicationContext()`.',
    fix: 'Create the app with `NestFactory.create()`.',
  },
  SB_SCOPED_PROVIDER: {
    when: 'A gateway, controller or join authorizer is request- or transient-scoped, or injects such a provider.',
    fix: 'Make it, and what it injects, a singleton; take per-connection data from the connection.',
  },
  SB_BACKPLANE_UNREACHABLE: {
    when: "Redis or the cluster primary did not answer at start-up; the error's `cause` is what failed.",
    fix: 'Start Redis or fix `REDIS_URL`; in cluster mode, start the app with `runCluster()`.',
  },
  SB_BACKPLANE_MISCONFIGURED: {
    when: '`ClusterIpcBackplane` outside a cluster worker; ioredis clients with a `keyPrefix`; a `nodeId` that is empty or over 64 bytes; a `secret` (or `BACKPLANE_SECRET`) under 16 bytes; `RedisBackplane` timings that cannot work (a `heartbeatTtl` not more than twice `heartbeatInterval`, a limit or timeout not above 0).',
    fix: 'Start the app with `runCluster()` (or use `MemoryBackplane` in one process); pass `prefix` to the backplane, not `keyPrefix` to ioredis; give a shorter `nodeId`; use a longer secret (`openssl rand -base64 32`); change the option the message names.',
  },
  SB_INVALID_CLUSTER_OPTIONS: {
    when: '`runCluster()` options that cannot work, e.g. a `workers` count that is not a whole number ≥ 1.',
    fix: 'Fix the option the message names (convert environment variables to numbers).',
  },
  SB_INVALID_FILTER: {
    when: '`@UseFilters()` was given something that is not an exception filter, or a filter class Nest cannot resolve as a singleton.',
    fix: 'Pass a filter class or an instance with a `catch()` method; remove a request or transient scope.',
  },
  SB_INVALID_GUARD: {
    when: '`@UseGuards()` on a gateway (its class or its `beforeConnect`) was given something without a `canActivate()` method.',
    fix: 'Pass a guard class or an instance with a `canActivate()` method.',
  },
  SB_INVALID_HISTORY: {
    when: '`@Gateway(path, { history })` that cannot work: `rooms` not a list of names, regular expressions or a predicate, a `size` or `ttl` not a whole number above 0; or history rooms on a backplane that keeps no history.',
    fix: 'Fix the `history` option the message names, or use a backplane that keeps history (memory, cluster IPC, Redis).',
  },
  SB_INVALID_JOIN_OPTIONS: {
    when: '`@Gateway(path, { joins })` that cannot work: `authorize` neither a function nor a class with `canJoin`, a non-boolean `clientJoins`, or `clientJoins: false` with an authorizer.',
    fix: 'Fix the `joins` option the message names.',
  },
  SB_JOIN_AUTHORIZER_NOT_PROVIDED: {
    when: 'A `joins.authorize` class that no module provides.',
    fix: 'Add it to the `providers` of a module (a request-scoped one is `SB_SCOPED_PROVIDER`).',
  },
  SB_INVALID_LIMITS: {
    when: 'Connection limits that refuse frames the route accepts: `byteBurst` below `maxPayload`.',
    fix: 'Raise `byteBurst` to at least `maxPayload`, or lower `maxPayload`.',
  },
};

const RUNTIME: Readonly<Record<RuntimeErrorCode, ErrorDescription>> = {
  SB_REGISTRY_TIMEOUT: {
    when: "A registry call (a `RealtimeService` call, a join, a metadata change) got no answer within `requestTimeout`: from the cluster primary (5 s), or from Redis (1 s) when it was about another node's connection (this node's own are answered from what it holds); the message names the call.",
    fix: 'The primary or Redis is stuck or overloaded: look at its log and load (`status().backplane` says when Redis stopped answering). The call may be retried; raise `requestTimeout` only if answers are merely slow.',
  },
  SB_REGISTRY_UNREACHABLE: {
    when: "The registry cannot be asked: the IPC channel to the cluster primary is closed (before the call or while it waited), or Redis is unreachable and the call is about another node's connection.",
    fix: "Retry once `status().backplane.healthy` is true again; this node's own connections keep working meanwhile.",
  },
  SB_REGISTRY_FAILED: {
    when: "The cluster primary answered a registry call with an error; the message carries the primary's.",
    fix: "Look in the primary's log; report it as a bug if it persists.",
  },
  SB_BACKPLANE_STOPPED: {
    when: 'The backplane stopped (the app is closing) while a registry call waited for its answer.',
    fix: 'Expected during shutdown: drop the call. Call `RealtimeService` only while the app runs.',
  },
  SB_BACKPLANE_TIMEOUT: {
    when: "Redis did not answer a step of the Redis backplane's start or stop in time: connecting (within `connectTimeout`), unsubscribing, quitting, removing this node from the registry.",
    fix: 'Check that Redis is up and reachable. At boot it is the `cause` of `SB_BACKPLANE_UNREACHABLE`; on stop it is only logged.',
  },
  SB_INVALID_ROOM: {
    when: "`RealtimeService.joinRoom()` got a room name that is empty, not a string, longer than the connection's route's `maxRoomNameLength`, or holds characters room names may not (the rules of a client's `joinRoom`); no one joined.",
    fix: 'Build room names from letters, digits and `_ - . : @ / #`; `checkRoomName(room, maxLength)` says why a name is refused before you call.',
  },
  SB_TOO_MANY_ROOMS: {
    when: "`RealtimeService.joinRoom()` would put a connection (of any node) in more rooms than its route's `maxRoomsPerConnection`; not joined.",
    fix: 'Take the connection out of rooms it no longer needs, or raise `maxRoomsPerConnection` for its route.',
  },
  SB_INVALID_METADATA: {
    when: '`updateConnectionMetadata()` got a patch that is not a plain object, or that holds a `__proto__`, `constructor` or `prototype` key; nothing was stored.',
    fix: 'Pass a plain object of keys to set (`null` removes one) without those keys; when the patch came from a request, answer 400.',
  },
  SB_WRONG_CONTEXT: {
    when: 'An exception filter on a Switchboard handler called `host.switchToHttp()` or `host.switchToRpc()`.',
    fix: 'Use `host.switchToWs()`: the connection, the message and the event are there.',
  },
};

function entries<K extends string>(kind: ErrorKind, table: Readonly<Record<K, ErrorDescription>>): CatalogEntry[] {
  return (Object.entries(table) as [K, ErrorDescription][]).map(([code, description]) => ({ kind, code, ...description }));
}

/** Every code the server gives, each with its kind, when it happens and what to do, in the order of the docs. */
export const ERROR_CATALOG: readonly CatalogEntry[] = [
  ...entries('wire', WIRE),
  ...(Object.entries(CLOSE) as [keyof typeof CloseCode, ErrorDescription][]).map(([name, description]) => ({
    kind: 'close' as const,
    code: CloseCode[name],
    name,
    ...description,
  })),
  ...entries('boot', BOOT),
  ...entries('runtime', RUNTIME),
];
