import type { WebSocket } from 'ws';

/** Which wire protocol a server speaks; each has a module in this folder. */
export type ProtocolId = 'raw-ws' | 'socketio' | 'nest-ws' | 'switchboard';

/**
 * How the load generator speaks to one kind of server. Deliveries are found
 * without the protocol's help: every payload starts with `{"s":`, whatever
 * envelope the server wraps around it (see `payload.ts`).
 */
export interface BenchProtocol {
  readonly id: ProtocolId;
  /** Path and query of the WebSocket endpoint. */
  readonly path: string;
  /**
   * Runs the connection's handshake and joins `room`. Called right after the
   * socket is created, so it sees every frame. Resolves to the id of the
   * server process (node) the connection landed on.
   */
  join(socket: WebSocket, room: string, timeoutMs: number): Promise<string>;
  /** The frame a publisher sends so that `payload` (JSON object text) reaches every other member of `room`. */
  publishFrame(room: string, payload: string): string;
  /** Handles a frame that carries no delivery (pings, other events), answering when the protocol needs it. */
  control(socket: WebSocket, data: Buffer): void;
}
