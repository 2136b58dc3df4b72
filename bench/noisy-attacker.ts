// The noisy connections of the noisy-neighbour scenario, in a worker thread
// of their own so their sending and receiving never delays the quiet client's
// timer or its answers (see noisy-neighbour.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { WebSocket } from 'ws';

/** What the scenario asks of the attackers. */
export interface Attack {
  readonly url: string;
  /** Connections, each sending every frame of `frames`. */
  readonly count: number;
  readonly frames: readonly string[];
  /**
   * When a connection is done: after this many answers, or (a string) once
   * the answer with this id is in. A connection the server closed (the rate
   * limits close one that keeps on) is done too.
   */
  readonly until: number | string;
}

/** A connection, once its `connected` frame is in (it may come in the same packet as the handshake's answer). */
export function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('message', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves once `socket` is done as `until` says (false), or closed by the server (true). */
function done(socket: WebSocket, until: number | string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    let answers = 0;
    const timer = setTimeout(() => reject(new Error(`not done within ${timeoutMs} ms (${answers} answers)`)), timeoutMs);
    const finish = (closed: boolean): void => {
      clearTimeout(timer);
      resolve(closed);
    };
    socket.on('message', (data: Buffer) => {
      answers++;
      if (typeof until === 'number' ? answers >= until : (JSON.parse(data.toString()) as { id?: unknown }).id === until) finish(false);
    });
    socket.once('close', () => finish(true));
  });
}

/** Runs the attack; resolves to how many of its connections the server closed. */
async function attack({ url, count, frames, until }: Attack): Promise<number> {
  const sockets: WebSocket[] = [];
  for (let i = 0; i < count; i += 50)
    sockets.push(...(await Promise.all(Array.from({ length: Math.min(50, count - i) }, () => open(url)))));
  parentPort?.postMessage('connected');
  // Started by the scenario once its quiet client runs.
  await new Promise((resolve) => parentPort?.once('message', resolve));
  const finished = Promise.all(sockets.map((s) => done(s, until, 60_000)));
  for (const socket of sockets) for (const frame of frames) socket.send(frame);
  const closed = (await finished).filter(Boolean).length;
  for (const socket of sockets) socket.terminate();
  return closed;
}

if (parentPort && workerData) {
  attack(workerData as Attack).then(
    (closed) => parentPort?.postMessage(`done ${closed}`),
    (error: Error) => parentPort?.postMessage(`error: ${error.message}`),
  );
}
