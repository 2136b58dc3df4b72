import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePort } from '../support/free-port';

interface Relayed {
  readonly client: Socket;
  readonly redis: Socket;
  /** Replies from Redis are thrown away instead of relayed. */
  muted: boolean;
}

/**
 * A TCP relay between one node and a real Redis, so a test can fail the
 * network under that node alone, on demand: cut its connections, refuse new
 * ones (as a dead Redis does), or let its commands through while their
 * replies are lost. The other nodes and Redis itself are untouched.
 */
export class RedisProxy {
  /** When each relayed connection was accepted (Date.now()), oldest first. */
  readonly accepted: number[] = [];
  private readonly open = new Set<Relayed>();
  private server?: Server;

  private constructor(
    readonly port: number,
    private readonly target: URL,
  ) {}

  /** A relay to the Redis at `redisUrl`, listening on a free port of 127.0.0.1. */
  static async start(redisUrl: string): Promise<RedisProxy> {
    const proxy = new RedisProxy(await freePort(), new URL(redisUrl));
    await proxy.restore();
    return proxy;
  }

  /** `redisUrl` with the relay in place of Redis; credentials and database unchanged. */
  get url(): string {
    const url = new URL(this.target.href);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.href;
  }

  /** From now on, what Redis answers on the connections open now is lost; commands still reach Redis. */
  mute(): void {
    for (const relayed of this.open) relayed.muted = true;
  }

  /** Drops every connection open now; new ones are relayed as usual. */
  cut(): void {
    for (const { client, redis } of this.open) {
      client.destroy();
      redis.destroy();
    }
    this.open.clear();
  }

  /** Drops every connection and refuses new ones (connection refused), as a Redis that died would. */
  async refuse(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    this.cut();
    if (server) await close(server);
  }

  /** Accepts connections again, on the same port. */
  async restore(): Promise<void> {
    if (this.server) return;
    this.server = await listen(this.port, (client) => this.relay(client));
  }

  async stop(): Promise<void> {
    await this.refuse();
  }

  private relay(client: Socket): void {
    const relayed: Relayed = { client, redis: connect(Number(this.target.port || 6379), this.target.hostname), muted: false };
    this.open.add(relayed);
    this.accepted.push(Date.now());
    const end = (): void => {
      this.open.delete(relayed);
      client.destroy();
      relayed.redis.destroy();
    };
    client.on('data', (chunk) => relayed.redis.write(chunk));
    relayed.redis.on('data', (chunk) => {
      if (!relayed.muted) client.write(chunk);
    });
    for (const socket of [client, relayed.redis]) socket.on('close', end).on('error', end);
  }
}

function listen(port: number, onConnection: (socket: Socket) => void): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer(onConnection);
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
