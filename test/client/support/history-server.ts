import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { Waiters } from '../../support/waiters';

/** One frame of a history room as the server keeps it. */
interface Publication {
  readonly event: string;
  readonly message: unknown;
  readonly offset: number;
}

/** A history room: the frames it keeps (the oldest may have been trimmed) and its top offset. */
interface HistoryRoom {
  frames: Publication[];
  top: number;
}

/**
 * One client connection as the scripted server sees it: the frames it
 * received, and a way to push frames to it or cut it.
 */
export class ScriptedConnection {
  /** Every text frame received, parsed, in order. */
  readonly received: any[] = [];
  readonly rooms = new Set<string>();
  private readonly waiters = new Waiters();
  private gone = false;

  constructor(
    readonly id: string,
    private readonly socket: WebSocket,
  ) {}

  /** Sends `frames` in one write, so the client reads them from one chunk, as it would a reply and the frames right behind it. */
  send(...frames: object[]): void {
    // `ws` has no way to batch frames: corking its TCP socket does, and `ws` writes each frame to it at once.
    const tcp = (this.socket as unknown as { _socket: { cork(): void; uncork(): void } })._socket;
    tcp.cork();
    for (const frame of frames) this.socket.send(JSON.stringify(frame));
    tcp.uncork();
  }

  /** Cuts the connection without a close frame (close 1006 on the client), as a network failure does; out of every room at once. */
  terminate(): void {
    this.gone = true;
    this.rooms.clear();
    this.socket.terminate();
  }

  get open(): boolean {
    return !this.gone;
  }

  /** Resolves with the first received frame that matches, waiting up to `ms`. */
  waitFor(match: (frame: any) => boolean, what: string, ms = 3000): Promise<any> {
    return this.waiters.until(
      () => this.received.find(match),
      ms,
      () => `${what} on connection ${this.id}; it received ${JSON.stringify(this.received)}`,
    );
  }

  /** @internal the server records a frame. */
  receive(frame: unknown): void {
    this.received.push(frame);
    this.waiters.wake();
  }
}

/**
 * A stand-in, on a real socket, for a Switchboard server with room history
 * (issue #13): it speaks the protocol the client SDK expects, so the SDK's
 * side is tested on its own, whatever state the server's side is in. Each connection gets `connected` with an id; `joinRoom`
 * of a history room is answered with the room's epoch and top offset, and a
 * rejoin `since` a position it still holds every frame after is answered
 * `recovered: true` with the missed frames in the same write; otherwise
 * `recovered: false`. Rooms not named at construction keep no history.
 */
export class HistoryServer {
  /** Every connection, in the order they came. */
  readonly connections: ScriptedConnection[] = [];
  private readonly rooms = new Map<string, HistoryRoom>();
  private readonly waiters = new Waiters();
  private wss: WebSocketServer | undefined;
  private epoch = 'epoch-1';
  /** Rejoins (joins with `since`) still to be refused with `INTERNAL`, as a server whose backplane did not answer in time. */
  refuseRejoins = 0;

  constructor(historyRooms: readonly string[], firstOffset = 100) {
    for (const room of historyRooms) this.rooms.set(room, { frames: [], top: firstOffset });
  }

  get url(): string {
    if (!this.wss) throw new Error('the history server is not started');
    return `ws://127.0.0.1:${(this.wss.address() as AddressInfo).port}/`;
  }

  async start(): Promise<this> {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    this.wss = wss;
    await new Promise<void>((resolve) => wss.once('listening', resolve));
    wss.on('connection', (socket) => {
      const connection = new ScriptedConnection(`conn-${this.connections.length + 1}`, socket);
      this.connections.push(connection);
      socket.on('message', (data) => this.handle(connection, JSON.parse(data.toString())));
      socket.send(JSON.stringify({ event: 'connected', message: { id: connection.id } }));
      this.waiters.wake();
    });
    return this;
  }

  /** Resolves with the `n`th connection (from 1), waiting up to `ms` for it to come. */
  connection(n: number, ms = 3000): Promise<ScriptedConnection> {
    return this.waiters.until(
      () => this.connections[n - 1],
      ms,
      () => `connection #${n} to the history server; ${this.connections.length} came`,
    );
  }

  /** Publishes a frame to `room` (at the next offset, for a history room) and sends it to every connection in the room; returns the offset. */
  publish(room: string, event: string, message: unknown): number | undefined {
    const history = this.rooms.get(room);
    const publication = history && { event, message, offset: ++history.top };
    if (history && publication) history.frames.push(publication);
    for (const connection of this.connections) {
      if (connection.open && connection.rooms.has(room))
        connection.send({ event, message, room, ...(publication && { offset: publication.offset }) });
    }
    return publication?.offset;
  }

  /** The history is lost (the store was flushed): a new epoch, with nothing kept and offsets from `top`. */
  loseHistory(epoch: string, top: number): void {
    this.epoch = epoch;
    for (const history of this.rooms.values()) {
      history.frames = [];
      history.top = top;
    }
  }

  async close(): Promise<void> {
    const wss = this.wss;
    if (!wss) return;
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }

  private handle(connection: ScriptedConnection, frame: any): void {
    connection.receive(frame);
    const room = frame.message as string;
    if (frame.event === 'leaveRoom') {
      connection.rooms.delete(room);
      connection.send({ event: 'leaveRoom', message: { room }, id: frame.id });
    } else if (frame.event === 'joinRoom' && frame.since !== undefined && this.refuseRejoins > 0) {
      this.refuseRejoins--;
      const message = { status: 'error', code: 'INTERNAL', message: 'joinRoom failed: the backplane did not answer; try again' };
      connection.send({ event: 'exception', message, id: frame.id });
    } else if (frame.event === 'joinRoom') {
      connection.rooms.add(room);
      connection.send(...this.joinReply(room, frame));
    }
  }

  /** The reply to a `joinRoom`, and the missed frames that follow it. */
  private joinReply(room: string, frame: any): object[] {
    const history = this.rooms.get(room);
    if (!history) return [{ event: 'joinRoom', message: { room }, id: frame.id }];
    const position = { room, epoch: this.epoch, offset: history.top };
    const since = frame.since as { epoch: string; offset: number } | undefined;
    if (!since) return [{ event: 'joinRoom', message: position, id: frame.id }];
    const oldestKept = history.frames[0]?.offset ?? history.top + 1;
    if (since.epoch !== this.epoch || since.offset < oldestKept - 1 || since.offset > history.top) {
      return [{ event: 'joinRoom', message: { ...position, recovered: false }, id: frame.id }];
    }
    const missed = history.frames.filter((p) => p.offset > since.offset);
    return [
      { event: 'joinRoom', message: { ...position, recovered: true, missed: missed.length }, id: frame.id },
      ...missed.map((p) => ({ event: p.event, message: p.message, room, offset: p.offset })),
    ];
  }
}
