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
  /** Answers each connection waits for before the attack counts as answered. */
  readonly answers: number;
}

/** A connection, once its `connected` frame is in (it may come in the same packet as the handshake's answer). */
export function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('message', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves once `socket` has received `count` more messages. */
function received(socket: WebSocket, count: number, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let left = count;
    const timer = setTimeout(() => reject(new Error(`no ${count} answers within ${timeoutMs} ms (got ${count - left})`)), timeoutMs);
    socket.on('message', () => {
      if (--left > 0) return;
      clearTimeout(timer);
      resolve();
    });
  });
}

async function attack({ url, count, frames, answers }: Attack): Promise<void> {
  const sockets: WebSocket[] = [];
  for (let i = 0; i < count; i += 50)
    sockets.push(...(await Promise.all(Array.from({ length: Math.min(50, count - i) }, () => open(url)))));
  parentPort?.postMessage('connected');
  // Started by the scenario once its quiet client runs.
  await new Promise((resolve) => parentPort?.once('message', resolve));
  const done = Promise.all(sockets.map((s) => received(s, answers, 60_000)));
  for (const socket of sockets) for (const frame of frames) socket.send(frame);
  await done;
  for (const socket of sockets) socket.terminate();
}

if (parentPort && workerData) {
  attack(workerData as Attack).then(
    () => parentPort?.postMessage('done'),
    (error: Error) => parentPort?.postMessage(`error: ${error.message}`),
  );
}
