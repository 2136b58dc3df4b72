import { Logger, type LoggerService } from '@nestjs/common';
import { Redis } from 'ioredis';
import { BootErrorCode, SwitchboardBootError } from '../protocol/switchboard-error';
import { Backplane } from './backplane';
import { bounded, clientReady, untilSubscribed } from './redis-client-wait';
import { REDIS_BACKPLANE_DEFAULTS, REDIS_CLIENT_OPTIONS, checkRedisTimings, type RedisBackplaneOptions } from './redis-backplane.options';
import { RedisKeys } from './redis-keys';
import { RedisHistory, parseHistoryMessage } from './redis-history';
import { RedisLink } from './redis-link';
import { RedisOutbox, type HistoryAppend } from './redis-outbox';
import { sequenceOf } from './node-codec';
import type { HistoryLimits, HistoryRead } from './room-stream';
import { PubSubProbe } from './redis-probe';
import { RedisRegistry } from './redis-registry';
import { RedisRegistryAccess } from './redis-registry-access';
import { SeenSequences } from './redis-sequences';

/** How long the last sequence number of a silent node is kept: copies only follow a reconnect, within moments. */
const SEQUENCE_MEMORY_MS = 60_000;

type Settings = typeof REDIS_BACKPLANE_DEFAULTS &
  RedisBackplaneOptions & { readonly logger: Pick<LoggerService, 'log' | 'warn' | 'error'> };

/**
 * The backplane for many processes on many machines sharing one Redis. Each
 * emit is published once, on the broadcast channel or on the channel of the
 * one node that holds the target connection. The registry lives in Redis
 * hashes and sets, changed only by atomic Lua scripts. Each node renews a
 * heartbeat key; survivors reap a node whose heartbeat expired.
 *
 * When Redis goes away, or stalls (a pub/sub probe the node sends itself
 * does not come back within `probeTimeout`), nothing throws on the data
 * path: local delivery goes on, the status turns unhealthy (with a log
 * line), publishes wait in a bounded outbox, and registry reads answer from
 * this node's own connections. When Redis is back, the node resubscribes,
 * writes its live connections and rooms back, sends the outbox, and reports
 * healthy again.
 */
export class RedisBackplane extends Backplane {
  readonly name = 'redis';
  private readonly settings: Settings;
  private readonly keys: RedisKeys;
  /** The registry's commands in Redis. */
  private readonly store: RedisRegistry;
  /** The registry calls, answered locally while Redis is away. */
  protected readonly registry: RedisRegistryAccess;
  private readonly outbox: RedisOutbox;
  /** Drops a message seen before (ioredis resends after a reconnect, a replay), by its sender's sequence number. */
  private readonly seen: SeenSequences;
  /** The channels this node listens on, as `messageBuffer` names them. */
  private readonly channels: readonly Buffer[];
  private readonly probeChannel: Buffer;
  private readonly historyChannel: Buffer;
  private readonly history: RedisHistory;
  private readonly probe: PubSubProbe;
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private started = false;
  private readonly link: RedisLink;
  /** The reconnect work in progress, if any: one at a time. */
  private recovery?: Promise<void>;
  private ticking = false;
  private timer?: NodeJS.Timeout;
  /** The other live nodes at the last heartbeat. */
  private peers: string[] = [];

  constructor(options: RedisBackplaneOptions) {
    super(options);
    // An option given as undefined keeps its default.
    const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as RedisBackplaneOptions;
    this.settings = { ...REDIS_BACKPLANE_DEFAULTS, logger: new Logger('RedisBackplane'), ...given };
    checkRedisTimings(this.settings);
    this.link = new RedisLink(this.settings.logger, this.settings.probeTimeout);
    this.keys = new RedisKeys(this.settings.prefix);
    this.channels = [this.keys.broadcast, this.keys.direct(this.nodeId)].map((channel) => Buffer.from(channel));
    this.probeChannel = Buffer.from(this.keys.probe(this.nodeId));
    this.historyChannel = Buffer.from(this.keys.history);
    this.outbox = new RedisOutbox(
      this.settings.outboxLimit,
      (channel, payload, history) => (history ? this.append(payload, history) : this.publisher.publish(channel, payload)),
      () => this.link.online,
    );
    this.seen = new SeenSequences((node, dropped) =>
      this.settings.logger.warn(
        `messages from node ${node} came far below the highest sequence number seen from it for a second (${dropped} dropped as stale): ` +
          'a forged number, or that node restarted with its clock behind; following its messages again',
      ),
    );
    this.publisher = options.publisher;
    this.subscriber = options.subscriber;
    this.store = new RedisRegistry(this.publisher, this.keys);
    this.history = new RedisHistory(this.publisher, this.keys.prefix, this.keys.history);
    this.registry = new RedisRegistryAccess(this.store, {
      nodeId: this.nodeId,
      isOnline: () => this.link.online,
      localConnections: () => this.localConnections(),
      requestTimeout: this.settings.requestTimeout,
    });
    this.probe = new PubSubProbe(
      (payload) => this.publisher.publish(this.keys.probe(this.nodeId), payload),
      this.settings.probeTimeout,
      this.onStall,
    );
  }

  /** A backplane with its own publisher and subscriber, connected to `url` with `REDIS_CLIENT_OPTIONS`. */
  static fromUrl(
    url: string = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    options: Omit<RedisBackplaneOptions, 'publisher' | 'subscriber' | 'quitClientsOnStop'> = {},
  ): RedisBackplane {
    return new RedisBackplane({
      ...options,
      publisher: new Redis(url, REDIS_CLIENT_OPTIONS),
      subscriber: new Redis(url, REDIS_CLIENT_OPTIONS),
      quitClientsOnStop: true,
    });
  }

  override get healthy(): boolean {
    return this.link.online && this.linkReady();
  }

  protected override get knownPeers(): readonly string[] {
    return this.peers;
  }

  protected override get outgoing(): { pending: number; lost: number } {
    return { pending: this.outbox.pending, lost: this.outbox.lostTotal };
  }

  protected override get degradedDetail(): string {
    return this.started ? this.link.detail(this.outbox.pending, this.outbox.lost) : 'not started';
  }

  protected override async init(): Promise<void> {
    if (this.publisher.options.keyPrefix || this.subscriber.options.keyPrefix) {
      throw new SwitchboardBootError(
        BootErrorCode.BACKPLANE_MISCONFIGURED,
        'RedisBackplane: remove ioredis keyPrefix from the clients and pass `prefix` to the backplane instead',
      );
    }
    for (const client of [this.publisher, this.subscriber]) {
      client.on('error', this.onError);
      client.on('close', this.onLinkDown);
      client.on('ready', this.onLinkUp);
    }
    this.subscriber.on('messageBuffer', this.onChannelMessage);
    try {
      // Both waits end (and drop their listeners) before a failure is thrown.
      const waits = await Promise.allSettled(
        [this.publisher, this.subscriber].map((client) => clientReady(client, this.settings.connectTimeout, this.onError)),
      );
      for (const wait of waits) if (wait.status === 'rejected') throw wait.reason;
      await this.subscribe();
      await this.resync();
      // Know the nodes already running now, not a heartbeat later: an outage in between would not wait for them.
      await this.heartbeat();
    } catch (error) {
      this.detach();
      // Stop the clients' reconnect loop too, or a failed boot leaves the process running.
      if (this.settings.quitClientsOnStop) for (const client of [this.publisher, this.subscriber]) client.disconnect();
      const { host, port } = this.publisher.options;
      const last = this.link.lastError ? `; last error: ${this.link.lastError}` : '';
      throw new SwitchboardBootError(
        BootErrorCode.BACKPLANE_UNREACHABLE,
        `RedisBackplane: Redis at ${host}:${port} did not answer (${(error as Error).message}${last}); start Redis or fix REDIS_URL`,
        { cause: error },
      );
    }
    this.started = true;
    this.link.restored();
    this.timer = setInterval(() => {
      // Outside `tick`, whose heartbeat may itself be the command Redis does not answer.
      if (this.link.online) this.probe.ping();
      void this.tick();
    }, this.settings.heartbeatInterval);
    this.timer.unref();
  }

  protected override async close(): Promise<void> {
    const wasOnline = this.link.online;
    this.started = false;
    this.link.online = false;
    clearInterval(this.timer);
    this.probe.reset();
    if (wasOnline) {
      try {
        await bounded(this.store.removeNode(this.nodeId), 'removing this node from the registry');
        await bounded(this.subscriber.unsubscribe(...this.channelNames()), 'unsubscribing');
      } catch (error) {
        this.settings.logger.warn(`could not clean up in Redis on stop: ${(error as Error).message}`);
      }
    }
    this.detach();
    if (this.settings.quitClientsOnStop) {
      for (const client of [this.publisher, this.subscriber]) {
        if (client.status === 'ready') await bounded(client.quit(), 'quitting').catch(() => undefined);
        client.disconnect();
      }
    }
  }

  protected publish(payload: Buffer, node?: string): void {
    this.outbox.publish(node === undefined ? this.keys.broadcast : this.keys.direct(node), payload);
  }

  /** Held in the outbox like any publish while Redis is away; the script numbers, keeps and publishes it on the history channel. */
  protected override appendToHistory(room: string, payload: Buffer, limits: HistoryLimits): void {
    this.outbox.publish(this.keys.history, payload, { room, limits });
  }

  protected override readHistory(room: string, after: number | undefined, limits: HistoryLimits): Promise<HistoryRead> {
    if (!this.link.online) return Promise.reject(new Error(`Redis is unreachable: the history of room "${room}" cannot be read now`));
    return bounded(this.history.read(room, after, limits), `reading the history of room "${room}"`, this.settings.requestTimeout);
  }

  private append(payload: Buffer, { room, limits }: HistoryAppend): Promise<number> {
    return this.history.append(room, payload, limits, this.nodeId, sequenceOf(payload));
  }

  /** Writes this node's live connections, rooms and metadata into Redis and removes the ones it no longer holds. */
  private resync(): Promise<{ written: number; removed: number }> {
    return this.store.resync(this.nodeId, this.settings.heartbeatTtl, this.localConnections());
  }

  private async tick(): Promise<void> {
    if (!this.started || this.ticking) return;
    if (!this.link.online) {
      // After a stall, only once the probe is back (a resume on a Redis that does not answer would only wait).
      if (this.linkReady() && !(this.link.stalled && this.probe.pending)) this.recover();
      return;
    }
    this.ticking = true;
    try {
      const wasAlive = await this.heartbeat();
      this.seen.forgetIdle(SEQUENCE_MEMORY_MS);
      if (!wasAlive && this.link.online) {
        this.settings.logger.warn(
          "this node's heartbeat had expired (Redis lost its data, or this node was reaped): writing its connections back",
        );
        await this.resync();
      }
    } catch (error) {
      this.link.lastError = (error as Error).message;
    } finally {
      this.ticking = false;
    }
  }

  /** Renews this node's heartbeat, reaps dead nodes and learns the live ones; whether this node's heartbeat was still there. */
  private async heartbeat(): Promise<boolean> {
    const { heartbeatTtl, heartbeatInterval } = this.settings;
    const { wasAlive, reaped, live } = await this.store.tick(this.nodeId, heartbeatTtl, heartbeatTtl - heartbeatInterval);
    this.peers = live.filter((node) => node !== this.nodeId);
    if (reaped > 0) this.settings.logger.log(`reaped ${reaped} connections of nodes whose heartbeat expired`);
    return wasAlive;
  }

  private recover(): void {
    this.recovery ??= this.resume().finally(() => (this.recovery = undefined));
  }

  /** Back from an outage: resubscribe, let the peers resubscribe, then state, held messages, new traffic. */
  private async resume(): Promise<void> {
    try {
      // Confirmed, not just queued: what peers publish from here on reaches this node.
      // Bounded: on a stalled Redis the next tick tries again, rather than this wait holding the recovery forever.
      await bounded(this.subscribe(), 'subscribing again', this.settings.requestTimeout);
      // Up to `peerWait`, every node alive before the outage listens again.
      await untilSubscribed(
        this.publisher,
        this.peers.map((node) => this.keys.direct(node)),
        this.settings.peerWait,
      );
      if (!this.started || this.link.online || !this.linkReady()) return;
      // Synchronously, in this order on the publisher's connection: state first, then the held messages, then new traffic.
      const written = this.resync();
      const downFor = this.link.restored();
      this.probe.reset();
      const sent = this.outbox.flush();
      // History rooms' publications made while this node was not listening are in their histories: the host reads them.
      this.resumed();
      const { written: connections, removed } = await written;
      this.settings.logger.log(
        `Redis reachable again after ${downFor} ms: cross-node delivery resumed; wrote back ${connections} connections (${removed} gone meanwhile), sent ${sent} held messages, ${this.outbox.lost} lost`,
      );
      this.outbox.lost = 0;
    } catch (error) {
      this.link.lastError = (error as Error).message;
    }
  }

  private readonly onLinkDown = (): void => {
    // The probe on its way went down with the connection; the reconnect ends this outage, not the probe.
    this.probe.reset();
    if (this.started) this.link.lost();
  };

  private readonly onStall = (): void => {
    if (this.started) this.link.stall();
  };

  private readonly onLinkUp = (): void => {
    if (this.started && !this.link.online && this.linkReady()) this.recover();
  };

  private linkReady(): boolean {
    return this.publisher.status === 'ready' && this.subscriber.status === 'ready';
  }

  private readonly onError = (error: Error): void => {
    this.link.lastError = error.message;
  };

  private readonly onChannelMessage = (channel: Buffer, message: Buffer): void => {
    if (this.probeChannel.equals(channel)) {
      if (this.probe.received(message.toString()) && this.link.stalled) this.recover();
      return;
    }
    if (this.historyChannel.equals(channel)) {
      const numbered = parseHistoryMessage(message);
      if (numbered) this.onNumbered(numbered.payload, { epoch: numbered.epoch, offset: numbered.offset });
      else this.discard();
      return;
    }
    if (!this.channels.some((ours) => ours.equals(channel))) return;
    // This node's own publishes come back on the broadcast channel; onMessage skips them.
    this.onMessage(message, (envelope) => this.seen.accept(envelope.node, envelope.seq));
  };

  private subscribe(): Promise<unknown> {
    return this.subscriber.subscribe(...this.channelNames());
  }

  private channelNames(): string[] {
    return [this.keys.broadcast, this.keys.direct(this.nodeId), this.keys.probe(this.nodeId), this.keys.history];
  }

  private detach(): void {
    for (const client of [this.publisher, this.subscriber]) {
      client.off('error', this.onError);
      client.off('close', this.onLinkDown);
      client.off('ready', this.onLinkUp);
    }
    this.subscriber.off('messageBuffer', this.onChannelMessage);
  }
}
