import { BootErrorCode, SwitchboardBootError } from '../protocol/switchboard-error';

/** What happens to a frame for a client whose send buffer is over the high-water mark. */
export type SlowClientPolicy = 'drop' | 'disconnect';

/** Per-connection limits. Every field has a default; see `DEFAULT_LIMITS`. */
export interface ConnectionLimits {
  /** Largest frame accepted, in bytes; a larger one closes the connection with 1009. Default 64 KiB. */
  readonly maxPayload: number;
  /** Deepest JSON nesting accepted; deeper frames get `BAD_FRAME`. Default 32. */
  readonly maxDepth: number;
  /** Longest room name. Default 128. */
  readonly maxRoomNameLength: number;
  /** Most rooms one connection may be in. Default 100. */
  readonly maxRoomsPerConnection: number;
  /** Frames per second a connection may send on average. Default 100. */
  readonly rateLimit: number;
  /** Frames a connection may send in a burst above the average. Default 200. */
  readonly rateBurst: number;
  /**
   * Bytes a second a connection may send on average, counted beside the
   * frames: few large frames cost as much to handle as many small ones.
   * A frame over it gets `RATE_LIMITED` like one over `rateLimit`. Default 1 MiB.
   */
  readonly byteRateLimit: number;
  /** Bytes a connection may send in a burst above the average; at least `maxPayload`. Default 4 MiB. */
  readonly byteBurst: number;
  /** Rate-limited frames in a row after which the connection is closed with 1008. Default 50. */
  readonly rateLimitCloseAfter: number;
  /** Interval of protocol pings, in ms; a peer that misses one is terminated. 0 turns it off. Default 30 000. */
  readonly heartbeatInterval: number;
  /** Bytes queued for a client above which `slowClientPolicy` applies. Default 1 MiB. */
  readonly highWaterMark: number;
  /** `drop` skips frames for a slow client; `disconnect` closes it with 1013. Default `disconnect`. */
  readonly slowClientPolicy: SlowClientPolicy;
  /**
   * Other sites' origins allowed to open a connection from a browser
   * (`https://app.example`; `'*'` for any). A handshake with no `Origin`
   * (not a browser) or one of the request's own host is always allowed;
   * any other gets HTTP 403. Default undefined: same host only.
   */
  readonly allowedOrigins?: readonly string[];
  /**
   * Most connections this node holds on the route, handshakes in progress
   * included; past it a handshake gets HTTP 503 with `Retry-After`, before
   * any hook runs. Default 20 000.
   */
  readonly maxConnections: number;
  /** Most connections on the route from one client address on this node; past it HTTP 503 with `Retry-After`. Default 1 000. */
  readonly maxConnectionsPerIp: number;
  /** Handshakes one client address may start per second on the route on this node; past it HTTP 429 with `Retry-After`. Default 100. */
  readonly connectionRatePerIp: number;
  /**
   * The reverse proxies in front of the app (addresses, CIDR ranges, or
   * `loopback`, `linklocal`, `uniquelocal`, as `proxy-addr` takes them):
   * behind one of them a client's address is read from `X-Forwarded-For`.
   * Default none: the socket's address, and the header is ignored (anyone
   * can send it).
   */
  readonly trustedProxies?: readonly string[];
}

/** The defaults every limit falls back to. */
export const DEFAULT_LIMITS: ConnectionLimits = {
  maxPayload: 64 * 1024,
  maxDepth: 32,
  maxRoomNameLength: 128,
  maxRoomsPerConnection: 100,
  rateLimit: 100,
  rateBurst: 200,
  byteRateLimit: 1024 * 1024,
  byteBurst: 4 * 1024 * 1024,
  rateLimitCloseAfter: 50,
  heartbeatInterval: 30_000,
  highWaterMark: 1024 * 1024,
  slowClientPolicy: 'disconnect',
  allowedOrigins: undefined,
  maxConnections: 20_000,
  maxConnectionsPerIp: 1_000,
  connectionRatePerIp: 100,
  trustedProxies: undefined,
};

/**
 * A route's limits: the defaults, then the module's, then the gateway's.
 * Throws `SB_INVALID_LIMITS` for limits that would refuse frames the route
 * accepts.
 */
export function resolveLimits(path: string, ...layers: readonly (Partial<ConnectionLimits> | undefined)[]): ConnectionLimits {
  const limits: ConnectionLimits = Object.assign({}, DEFAULT_LIMITS, ...layers);
  if (!(limits.byteBurst >= limits.maxPayload)) {
    throw new SwitchboardBootError(
      BootErrorCode.INVALID_LIMITS,
      `${path}: byteBurst (${limits.byteBurst}) is below maxPayload (${limits.maxPayload}), so its largest frames would always be refused; raise byteBurst or lower maxPayload`,
    );
  }
  return limits;
}
