import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { ConnectionLimits } from '../options/connection-limits';

const ADDRESS_FULL = 'Too many connections from this address';

/** What a 503 for a full node or address tells a client to wait, in seconds: connections free up as clients leave, at no known time. */
const FULL_RETRY_AFTER_S = 5;

/** A handshake turned away before the upgrade: the HTTP status, its text, and `Retry-After` in seconds. */
export interface AdmissionRefusal {
  readonly status: 429 | 503;
  readonly message: string;
  readonly retryAfter: number;
}

/** Gives back the place a handshake held: called once, when its connection closes or the handshake fails. */
export type AdmissionRelease = () => void;

/**
 * Counts the connections registered from `address` on the route on every
 * node (`Backplane.countConnectionsFrom`); undefined when the backplane does
 * not count them.
 */
export type ClusterAddressCount = (address: string) => Promise<number | undefined>;

/** The limits `ConnectionAdmission` applies. */
export type AdmissionLimits = Pick<ConnectionLimits, 'maxConnections' | 'maxConnectionsPerIp' | 'connectionRatePerIp' | 'trustedProxies'>;

/**
 * Admits the handshakes of one route on this node before any hook runs:
 * at most `maxConnections` connections (handshakes in progress included),
 * at most `maxConnectionsPerIp` from one client address, and at most
 * `connectionRatePerIp` handshakes a second from one address. The per-address
 * counts are rate-limiter-flexible memory limiters: the concurrent one never
 * expires and is given back as connections close, the rate one is a
 * one-second window. An address without connections is forgotten, so many
 * addresses cost memory only while they are connected.
 *
 * Given `clusterCount`, `maxConnectionsPerIp` also holds across the nodes:
 * a handshake is refused when the registry already lists that many
 * connections from the address on the route. The registry lists a
 * connection once its upgrade is done, so handshakes in flight on other
 * nodes at the same moment are not seen; and when the registry cannot
 * answer, the node's own count decides (a registry outage must not lock
 * clients out).
 */
export class ConnectionAdmission {
  private held = 0;
  private readonly perAddress: RateLimiterMemory;
  private readonly ratePerAddress: RateLimiterMemory;
  private readonly trust: (address: string, hop: number) => boolean;

  constructor(
    private readonly limits: AdmissionLimits,
    private readonly clusterCount?: ClusterAddressCount,
  ) {
    this.perAddress = new RateLimiterMemory({ points: limits.maxConnectionsPerIp, duration: 0 });
    this.ratePerAddress = new RateLimiterMemory({ points: limits.connectionRatePerIp, duration: 1 });
    this.trust = proxyAddr.compile([...(limits.trustedProxies ?? [])]);
  }

  /** Connections held now, handshakes in progress included. */
  get size(): number {
    return this.held;
  }

  /** The client's address: the socket's, or behind a trusted proxy the nearest untrusted one in `X-Forwarded-For`. */
  clientAddress(request: IncomingMessage): string {
    return proxyAddr(request, this.trust);
  }

  /** Takes a place for a handshake from `address`, or says why there is none. */
  async admit(address: string): Promise<AdmissionRelease | AdmissionRefusal> {
    // Taken before the first await: handshakes arriving together cannot all see the last free place.
    if (this.held >= this.limits.maxConnections) return { status: 503, message: 'Too many connections', retryAfter: FULL_RETRY_AFTER_S };
    this.held++;
    const refusal =
      (await refusedBy(this.ratePerAddress, address, 429, 'Too many connection attempts from this address')) ??
      (await refusedBy(this.perAddress, address, 503, ADDRESS_FULL));
    if (refusal) {
      this.held--;
      return refusal;
    }
    if (await this.fullAcrossNodes(address)) {
      this.held--;
      await this.giveBack(address);
      return { status: 503, message: ADDRESS_FULL, retryAfter: FULL_RETRY_AFTER_S };
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.held--;
      void this.giveBack(address);
    };
  }

  private async fullAcrossNodes(address: string): Promise<boolean> {
    if (!this.clusterCount) return false;
    const listed = await this.clusterCount(address).catch(() => undefined);
    return listed !== undefined && listed >= this.limits.maxConnectionsPerIp;
  }

  private async giveBack(address: string): Promise<void> {
    const left = await this.perAddress.reward(address, 1);
    if (left.consumedPoints <= 0) await this.perAddress.delete(address);
  }
}

/** Consumes a point of `limiter` for `address`; the refusal when there was none left. */
async function refusedBy(
  limiter: RateLimiterMemory,
  address: string,
  status: 429 | 503,
  message: string,
): Promise<AdmissionRefusal | undefined> {
  try {
    await limiter.consume(address);
    return undefined;
  } catch (result) {
    if (!(result instanceof RateLimiterRes)) throw result;
    // A refused attempt still counts against the concurrent limit: give it back.
    if (status === 503) await limiter.reward(address, 1);
    const retryAfter = status === 429 ? Math.max(1, Math.ceil(result.msBeforeNext / 1000)) : FULL_RETRY_AFTER_S;
    return { status, message, retryAfter };
  }
}
