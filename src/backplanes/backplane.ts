import { randomBytes } from 'node:crypto';
import { BootErrorCode, SwitchboardBootError } from '../protocol/switchboard-error';
import type { Admission, BackplaneEnvelope, BackplaneMessage } from './backplane-message';
import type { ConnectionInfo, ConnectionRecord, LocalConnection, MetadataUpdate } from './connection-info';
import { ownerOf } from '../protocol/connection-id';
import type { ConnectionRegistry } from './connection-registry';
import { MAX_NODE_ID_BYTES, bytesOf, decodeNodeMessage, encodeNodeMessage, sentBy } from './node-codec';
import { NodeSigner } from './node-signer';
import type { HistoryLimits, HistoryRead, RoomRead, StreamPosition } from './room-stream';

/**
 * Receives what other nodes sent, and every numbered publication to a
 * history room (this node's own included) with its place in the room's stream.
 */
export type BackplaneListener = (message: BackplaneMessage, fromNode: string, position?: StreamPosition) => void;

type Delivery = Extract<BackplaneMessage, { type: 'deliver' }>;

/** Health and traffic counters of a backplane, for logs and status endpoints. */
export interface BackplaneStatus {
  readonly name: string;
  readonly nodeId: string;
  /** False while the backplane cannot reach its peers; local delivery goes on regardless. */
  readonly healthy: boolean;
  readonly published: number;
  readonly received: number;
  /** Messages that arrived malformed and were thrown away. */
  readonly dropped: number;
  /**
   * True when messages between nodes are signed with a shared secret. False:
   * the backplane is unauthenticated, and whoever can publish on its
   * transport (a Redis client) can send the nodes anything.
   */
  readonly signed: boolean;
  /** Messages whose signature was missing or wrong (or, on a node without the secret, signed ones it cannot check), thrown away. */
  readonly forged: number;
  /** Messages thrown away as a copy of one already delivered (a resent publish, a replay). */
  readonly duplicates: number;
  /** Messages thrown away because they came far below their sender's highest sequence number (see `SeenSequences`). */
  readonly stale: number;
  /** Why the backplane is not healthy, while it is not (e.g. `Redis unreachable since …`). */
  readonly detail?: string;
  /**
   * The other nodes this node knows to be alive (Redis: at its last
   * heartbeat), where the backplane tracks them; after an outage it waits
   * for these to listen again before sending what it held.
   */
  readonly peers?: readonly string[];
  /**
   * Messages handed to the transport and not yet confirmed, plus those held
   * for later (Redis: never more than `outboxLimit`), where the backplane
   * queues them.
   */
  readonly pending?: number;
  /** Messages dropped past that limit since the node started, where the backplane queues them. */
  readonly lost?: number;
  /**
   * Gaps in history rooms' streams this node found (a publication whose
   * offset was not the next one): `repaired` from the history before
   * delivering, `unrecoverable` when the history no longer held them. Only
   * on backplanes that keep history.
   */
  readonly gaps?: { readonly repaired: number; readonly unrecoverable: number };
}

/** Options every backplane takes. */
export interface BackplaneOptions {
  /** This node's id. Default: a random one. */
  readonly nodeId?: string;
  /**
   * A secret every node shares (at least 16 bytes): each message between nodes
   * is signed with HMAC-SHA256 under it and checked before it changes
   * anything. A list rotates it without downtime: the first signs, every one
   * verifies. Default: none, messages are not signed.
   */
  readonly secret?: string | readonly string[];
}

/** The connections a node holds right now, with their rooms and metadata, as the host knows them. */
export type LocalConnectionsProvider = () => LocalConnection[];

/** A fresh node id: short, random, and safe inside connection ids and key names. */
export function createNodeId(): string {
  return randomBytes(6).toString('base64url').replace(/[-_]/g, 'x');
}

/**
 * Carries emits, room changes and the connection registry between the nodes
 * (processes) of one deployment.
 *
 * To write a backplane:
 * 1. implement `publish(payload, node?)`: send `payload` to every other node,
 *    or only to `node` when one is named. Payloads are opaque Buffers (the
 *    format is `node-codec.ts`'s), never changed once published.
 * 2. call `this.onMessage(payload)` for every payload that arrives from the
 *    transport, your own included: it decodes defensively, drops garbage,
 *    ignores this node's own messages and hands the rest to the host.
 * 3. give it a `registry` (`ConnectionRegistry`) every node shares:
 *    `InProcessRegistry` in one process, or one of your own that keeps the
 *    version rules its JSDoc states. The registry calls, and telling a
 *    connection's owner about a change made elsewhere, are done here.
 * 4. pass your options on (`super(options)`): the base signs and checks
 *    messages when they carry a `secret`, before anything else reads them.
 * 5. override `init()` / `close()` to open and release connections, and
 *    `healthy` (plus `degradedDetail`) if the transport can fail.
 * 6. if the shared state can be lost (a restarted Redis), write this node's
 *    part back from `localConnections()`, the host's own view, never lowering
 *    a connection's version below the one the node reports.
 * 7. to keep room history (gateways that list `history` rooms need it),
 *    implement `appendToHistory` (number the payload with the room's next
 *    offset, keep it, and make it reach every node, this one included, which
 *    calls `onNumbered`) and `readHistory`. The order in which offsets are
 *    given must be the order in which every node receives them.
 *
 * The host calls `start()` once before the first connection and `stop()`
 * after the last; nothing in the emitter or the realtime service knows which
 * backplane runs.
 */
export abstract class Backplane {
  /** A short name for logs and status ('memory', 'cluster', 'redis'). */
  abstract readonly name: string;
  /** This node's id; every connection id it issues starts with it. */
  readonly nodeId: string;

  private listener?: BackplaneListener;
  private localProvider?: LocalConnectionsProvider;
  private onResume?: () => void;
  private published = 0;
  private received = 0;
  private dropped = 0;
  private forged = 0;
  private duplicates = 0;
  private stale = 0;
  private readonly gaps = { repaired: 0, unrecoverable: 0 };
  private readonly signer?: NodeSigner;
  /** The node id as it appears in every message's header. */
  private readonly nodeIdBytes: Buffer;
  /**
   * Numbers this node's messages. It starts from the clock so that a process
   * restarted with the same `nodeId` numbers above its predecessor (Redis
   * peers drop anything at or below the last number they saw from a node).
   */
  private lastSeq = Date.now() * 1000;

  protected constructor({ nodeId = createNodeId(), secret }: BackplaneOptions = {}) {
    // Every message carries the id, as UTF-8: one the format cannot carry, or that would not read back the same, is refused here.
    const bytes = Buffer.from(nodeId);
    if (bytes.length === 0 || bytes.length > MAX_NODE_ID_BYTES || bytes.toString() !== nodeId) {
      throw new SwitchboardBootError(
        BootErrorCode.BACKPLANE_MISCONFIGURED,
        `backplane nodeId must be 1 to ${MAX_NODE_ID_BYTES} bytes of UTF-8, got ${JSON.stringify(nodeId)}; leave it out for a random one`,
      );
    }
    this.nodeId = nodeId;
    this.nodeIdBytes = bytes;
    if (secret !== undefined) this.signer = new NodeSigner(secret);
  }

  /**
   * Starts the transport and routes what arrives to `listener`. Called once by
   * the host, which may also say how to list the connections it holds, and
   * what to do when the transport is back after an outage (`onResume`: catch
   * up history rooms whose publications may have gone by meanwhile).
   */
  async start(listener: BackplaneListener, localConnections?: LocalConnectionsProvider, onResume?: () => void): Promise<void> {
    this.listener = listener;
    this.localProvider = localConnections;
    this.onResume = onResume;
    await this.init();
  }

  /** Stops the transport. Called once by the host, after its last connection closed. */
  async stop(): Promise<void> {
    await this.close();
    this.listener = undefined;
    this.localProvider = undefined;
    this.onResume = undefined;
  }

  /**
   * Sends a message to the other nodes, or to one node when `node` is given.
   * Never throws: a transport failure is the backplane's to report.
   */
  send(message: BackplaneMessage, node?: string): void {
    if (node === this.nodeId) return;
    this.published++;
    this.publish(this.encode(message), node);
  }

  /** The message as it travels: numbered, encoded, and signed when the nodes share a secret. */
  private encode(message: BackplaneMessage): Buffer {
    const payload = encodeNodeMessage({ node: this.nodeId, seq: ++this.lastSeq, msg: message }, this.signer !== undefined);
    this.signer?.sign(payload);
    return payload;
  }

  /**
   * Publishes a delivery to a history room: the backplane numbers it with
   * the room's next offset, keeps it within `limits`, and hands it back to
   * every node, this one included, through the listener with its position.
   * Nothing is delivered before that, so every node delivers in offset order.
   */
  sendNumbered(room: string, message: Delivery, limits: HistoryLimits): void {
    this.published++;
    // Gateways with history rooms refuse to boot on a backplane without it (SB_INVALID_HISTORY).
    this.appendToHistory?.(room, this.encode(message), limits);
  }

  /**
   * Reads a room's history: its position, and, with `after`, the
   * publications kept after that offset, decoded (a payload that fails its
   * signature or decoding is left out and counted, so the read no longer
   * covers that offset). Creates the room's stream when it has none, so the
   * epoch a joining client is given stays the room's.
   */
  async readRoom(room: string, after: number | undefined, limits: HistoryLimits): Promise<RoomRead> {
    if (!this.readHistory) throw new Error(`the ${this.name} backplane keeps no room history`);
    const { epoch, offset, publications } = await this.readHistory(room, after, limits);
    const decoded: RoomRead['publications'][number][] = [];
    for (const publication of publications) {
      const envelope = this.decodeChecked(publication.payload);
      if (envelope?.msg.type === 'deliver') decoded.push({ offset: publication.offset, message: envelope.msg });
    }
    return { position: { epoch, offset }, publications: decoded };
  }

  /** Whether this backplane keeps room history (implements `appendToHistory` and `readHistory`). */
  get keepsHistory(): boolean {
    return this.appendToHistory !== undefined && this.readHistory !== undefined;
  }

  /**
   * Transport, for a backplane that keeps room history: numbers `payload`
   * with `room`'s next offset, keeps it within `limits` and delivers it to
   * every node, this one included, each calling `onNumbered`. Never throws.
   */
  protected appendToHistory?(room: string, payload: Buffer, limits: HistoryLimits): void;

  /** Transport, with `appendToHistory`: the room's position and the payloads kept after `after` (see `readRoom`). */
  protected readHistory?(room: string, after: number | undefined, limits: HistoryLimits): Promise<HistoryRead>;

  /** True when other nodes may exist, so deliveries must be published at all. */
  get distributed(): boolean {
    return true;
  }

  /** Whether the transport currently reaches its peers. */
  get healthy(): boolean {
    return true;
  }

  /** Why the transport is not healthy; undefined while it is. */
  protected get degradedDetail(): string | undefined {
    return undefined;
  }

  /** The other live nodes, for backplanes that track them; undefined otherwise. */
  protected get knownPeers(): readonly string[] | undefined {
    return undefined;
  }

  /** What waits to be sent, for backplanes that queue; undefined otherwise. */
  protected get outgoing(): { readonly pending: number; readonly lost: number } | undefined {
    return undefined;
  }

  status(): BackplaneStatus {
    const healthy = this.healthy;
    const peers = this.knownPeers;
    return {
      name: this.name,
      nodeId: this.nodeId,
      healthy,
      published: this.published,
      received: this.received,
      dropped: this.dropped,
      signed: this.signer !== undefined,
      forged: this.forged,
      duplicates: this.duplicates,
      stale: this.stale,
      ...(healthy ? {} : { detail: this.degradedDetail }),
      ...(peers ? { peers: [...peers] } : {}),
      ...this.outgoing,
      ...(this.keepsHistory ? { gaps: { ...this.gaps } } : {}),
    };
  }

  /** Counts a gap in a history room's stream that the host found: filled from the history, or not. */
  countGap(repaired: boolean): void {
    if (repaired) this.gaps.repaired++;
    else this.gaps.unrecoverable++;
  }

  /** The connections this node holds now, from the host; empty when the host gave no provider. */
  protected localConnections(): LocalConnection[] {
    return this.localProvider?.() ?? [];
  }

  /** Transport: deliver `payload` to every other node, or to `node` alone. */
  protected abstract publish(payload: Buffer, node?: string): void;

  /**
   * Implementations call this for every payload the transport receives (a
   * Buffer, or a Uint8Array over the same bytes; anything else is garbage).
   * With a secret, the signature is checked before anything else is read.
   * `admit`, when given, sees each well-formed message from another node
   * next and may turn it away (e.g. a copy the transport already delivered).
   */
  protected onMessage(payload: unknown, admit?: (envelope: BackplaneEnvelope) => Admission): void {
    const bytes = bytesOf(payload);
    if (!bytes) {
      this.dropped++;
      return;
    }
    // Skipping a message that only claims to be this node's own does nothing a forger could use.
    if (sentBy(bytes, this.nodeIdBytes)) return;
    const envelope = this.decodeChecked(bytes);
    if (!envelope) return;
    const admission = admit?.(envelope) ?? 'new';
    if (admission !== 'new') {
      if (admission === 'duplicate') this.duplicates++;
      else this.stale++;
      return;
    }
    this.received++;
    this.listener?.(envelope.msg, envelope.node);
  }

  /**
   * Implementations call this for every numbered publication to a history
   * room (see `appendToHistory`), this node's own included, in offset order.
   * It is checked and decoded as `onMessage` does; copies are the receiver's
   * to drop, by offset.
   */
  protected onNumbered(payload: unknown, position: StreamPosition): void {
    const bytes = bytesOf(payload);
    if (!bytes) {
      this.dropped++;
      return;
    }
    const envelope = this.decodeChecked(bytes);
    if (!envelope) return;
    this.received++;
    this.listener?.(envelope.msg, envelope.node, position);
  }

  /** Checks a payload's signature and decodes it; undefined (and counted) for a forged or malformed one. */
  private decodeChecked(bytes: Buffer): BackplaneEnvelope | undefined {
    if (this.signer ? !this.signer.verify(bytes) : NodeSigner.isSigned(bytes)) {
      this.forged++;
      return undefined;
    }
    const envelope = decodeNodeMessage(bytes);
    if (!envelope) this.dropped++;
    return envelope;
  }

  /** Implementations call this once the transport is back after an outage and delivers again: the host catches up what went by. */
  protected resumed(): void {
    this.onResume?.();
  }

  /** Counts a payload the transport itself found malformed (e.g. a tagged IPC message of the wrong shape) and threw away. */
  protected discard(): void {
    this.dropped++;
  }

  /** Opens the transport. */
  protected async init(): Promise<void> {}
  /** Releases the transport. */
  protected async close(): Promise<void> {}

  /**
   * The registry this backplane keeps. The registry calls below go to it;
   * a backplane that must answer differently at times (Redis while it is
   * away) gives a registry that does.
   */
  protected abstract readonly registry: ConnectionRegistry;

  /** Records a new connection held by this node. */
  async addConnection(record: ConnectionRecord): Promise<void> {
    await this.registry.add(record);
  }

  /** Forgets a connection and all its room memberships. */
  async removeConnection(id: string): Promise<void> {
    await this.registry.remove(id);
  }

  /** Puts a connection in a room in the registry only (see `ConnectionRegistry.join`); its new version, or 0. */
  async addToRoom(id: string, room: string): Promise<number> {
    return this.registry.join(id, room);
  }

  /** Takes a connection out of a room in the registry only; its new version, or 0. */
  async removeFromRoom(id: string, room: string): Promise<number> {
    return this.registry.leave(id, room);
  }

  /** One connection anywhere in the deployment, or null. */
  async getConnection(id: string): Promise<ConnectionInfo | null> {
    return this.registry.get(id);
  }

  /** Every connection in the deployment. */
  async getConnections(): Promise<ConnectionInfo[]> {
    return this.registry.all();
  }

  /**
   * How many connections on `route` came from client `address`, on every
   * node; undefined when the registry does not count them (see
   * `ConnectionRegistry.countFrom`).
   */
  async countConnectionsFrom(route: string, address: string): Promise<number | undefined> {
    return this.registry.countFrom?.(route, address);
  }

  /** Ids of every member of a room, wherever they are connected. */
  async getRoomMembers(room: string): Promise<string[]> {
    return this.registry.members(room);
  }

  /**
   * Merges `patch` into a connection's metadata in the registry and, when
   * another node holds the connection, tells that node; the result, or null
   * for an unknown connection.
   */
  async updateMetadata(id: string, patch: Readonly<Record<string, unknown>>): Promise<MetadataUpdate | null> {
    const update = await this.registry.patch(id, patch);
    if (update) this.tellOwner({ type: 'metadata', id, metadata: update.metadata, version: update.version });
    return update;
  }

  /**
   * Puts a connection another node holds in a room: in the registry, then
   * tells its owner, which applies it in the registry's order (versions).
   * The new version, or 0 for an unknown connection.
   */
  async joinRemote(id: string, room: string): Promise<number> {
    const version = await this.registry.join(id, room);
    if (version > 0) this.tellOwner({ type: 'join', id, room, version });
    return version;
  }

  /** Takes a connection another node holds out of a room, as `joinRemote` puts one in. */
  async leaveRemote(id: string, room: string): Promise<number> {
    const version = await this.registry.leave(id, room);
    if (version > 0) this.tellOwner({ type: 'leave', id, room, version });
    return version;
  }

  /** Asks the node that holds a connection to close it; false when the registry does not know the connection. */
  async disconnectRemote(id: string, code: number, reason: string): Promise<boolean> {
    if (!(await this.registry.get(id))) return false;
    this.tellOwner({ type: 'disconnect', id, code, reason });
    return true;
  }

  /** Sends a change to the node that holds the connection; nothing when that is this node. */
  private tellOwner(message: Extract<BackplaneMessage, { id: string }>): void {
    const owner = ownerOf(message.id);
    if (owner !== undefined) this.send(message, owner);
  }
}
