// A worker thread of the recovery scenario (bench/recovery.ts): holds its
// share of the clients. `join`: each connects, joins the history room and
// keeps the position and connection id it was given. `close`: all
// disconnect. `rejoin`: all reconnect at once, each rejoins `since` its
// position with `previous` set to its old id, and the thread checks that
// each gets `recovered: true` and exactly the missed frames, offsets
// since+1 … top in order, each carrying the payload published with that
// offset; it reports when each client had them all. A rejoin refused with
// INTERNAL ("the backplane did not answer … try again") is retried, and counted.
import { parentPort, workerData } from 'node:worker_threads';
import { WebSocket } from 'ws';
import { joinHistoryRoom, offsetOf, openSwitchboardClient } from '../support/switchboard-client';
import { closeSockets } from './close-sockets';
import { nowUs, readDelivery, type Delivery } from './payload';

/** What the scenario gives each thread. */
export interface RecoveryThreadData {
  /** ws://127.0.0.1:<port>/ws */
  readonly url: string;
  readonly room: string;
  /** This thread's clients: indexes first … first + count - 1 (they pick their source address by it). */
  readonly first: number;
  readonly count: number;
  /** Source addresses 127.0.0.2 … (1 + addresses). */
  readonly addresses: number;
  readonly timeoutMs: number;
}

export type RecoveryCommand =
  | { readonly type: 'join' }
  | { readonly type: 'close' }
  /** Rejoin, expecting the history to hold everything after each client's position, up to `top`; publication `s` has offset `base + 1 + s`. */
  | { readonly type: 'rejoin'; readonly top: number; readonly base: number };

/** One thread's result of the rejoin. */
export interface RecoveryReport {
  readonly clients: number;
  /** Clients whose rejoin was answered `recovered: true` with `missed` = what they missed. */
  readonly recovered: number;
  /** Clients that got every missed frame, once, in offset order, with the right payload, and nothing else. */
  readonly complete: number;
  /** Rejoins the server answered with `INTERNAL` (the backplane did not answer in time), each retried on the same connection. */
  readonly refused: number;
  /** Clients refused at least once: without a retry, they would not have recovered. */
  readonly refusedClients: number;
  /** The first few problems found, one line each. */
  readonly problems: readonly string[];
  /** Per client, µs on the process-wide clock (`nowUs`): its `connected` frame, its joinRoom reply, its last missed frame. */
  readonly connectedUs: readonly number[];
  readonly repliedUs: readonly number[];
  readonly doneUs: readonly number[];
  readonly framesReceived: number;
}

export type RecoveryEvent =
  | { readonly type: 'joined'; readonly epochs: readonly string[]; readonly offsets: readonly number[] }
  | { readonly type: 'closed' }
  | { readonly type: 'recovered'; readonly report: RecoveryReport }
  | { readonly type: 'failed'; readonly error: string };

/** A rejoin refused with `INTERNAL` is sent again after 100, 200, 400 … ms (at most 2 s, each × 0.5–1 at random), up to 20 times. */
const FIRST_RETRY_DELAY_MS = 100;
const MAX_RETRY_DELAY_MS = 2000;
const MAX_ATTEMPTS = 20;

const data = workerData as RecoveryThreadData;
const port = parentPort!;
const post = (event: RecoveryEvent): void => port.postMessage(event);
const localAddress = (index: number): string => `127.0.0.${2 + (index % data.addresses)}`;

/** Per client: the id and position of its first connection. */
const ids: string[] = [];
const positions: { epoch: string; offset: number }[] = [];
let sockets: WebSocket[] = [];

async function joinAll(): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < data.count) {
      const i = next++;
      const client = await openSwitchboardClient(data.url, data.timeoutMs, localAddress(data.first + i));
      const { epoch, offset } = await joinHistoryRoom(client, data.room);
      client.steps.done();
      ids[i] = client.id;
      positions[i] = { epoch, offset };
      sockets[i] = client.socket;
    }
  };
  await Promise.all(Array.from({ length: Math.min(64, data.count) }, lane));
  post({ type: 'joined', epochs: [...new Set(positions.map((p) => p.epoch))], offsets: positions.map((p) => p.offset) });
}

async function closeAll(): Promise<void> {
  await closeSockets(sockets);
  sockets = [];
  post({ type: 'closed' });
}

/** Every client reconnects at once; resolves when each has everything it missed (or a problem, or the timeout). */
function rejoinAll(top: number, base: number): Promise<RecoveryReport> {
  const connectedUs = new Array<number>(data.count).fill(NaN);
  const repliedUs = new Array<number>(data.count).fill(NaN);
  const doneUs = new Array<number>(data.count).fill(NaN);
  const problems: string[] = [];
  let recovered = 0;
  let complete = 0;
  let refused = 0;
  let refusedClients = 0;
  let finished = 0;
  let framesReceived = 0;
  const problem = (i: number, what: string): void => {
    if (problems.length < 10) problems.push(`client ${data.first + i}: ${what}`);
  };
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      problems.push(`${data.count - finished} of ${data.count} clients not done within ${data.timeoutMs} ms`);
      finish();
    }, data.timeoutMs);
    const finish = (): void => {
      clearTimeout(timer);
      resolve({
        clients: data.count,
        recovered,
        complete,
        refused,
        refusedClients,
        problems,
        connectedUs,
        repliedUs,
        doneUs,
        framesReceived,
      });
    };
    const settle = (): void => {
      if (++finished === data.count) finish();
    };
    const found: Delivery = { seq: 0, sentUs: 0 };
    for (let i = 0; i < data.count; i++) {
      const since = positions[i];
      const missed = top - since.offset;
      const socket = new WebSocket(data.url, {
        perMessageDeflate: false,
        skipUTF8Validation: true,
        localAddress: localAddress(data.first + i),
      });
      sockets[i] = socket;
      /** 0: waiting for `connected`; 1: for the joinRoom reply; 2: counting missed frames; 3: done (or failed). */
      let state = 0;
      let attempts = 1;
      const rejoin = JSON.stringify({ event: 'joinRoom', message: data.room, since, previous: ids[i], id: 'rejoin' });
      let expected = since.offset + 1;
      const fail = (what: string): void => {
        if (state === 3) return;
        state = 3;
        problem(i, what);
        settle();
      };
      const done = (): void => {
        state = 3;
        doneUs[i] = nowUs();
        complete++;
        settle();
      };
      socket.on('error', (error) => fail(`socket error ${error.message}`));
      socket.on('close', (code) => fail(`closed (${code}) before it had everything`));
      socket.on('message', (frame: Buffer) => {
        if (state === 3) {
          framesReceived++;
          if (Number.isNaN(doneUs[i])) return;
          // It had everything and gets more: not complete after all.
          doneUs[i] = NaN;
          complete--;
          return problem(i, `a frame after everything it missed: ${frame.toString().slice(0, 120)}`);
        }
        if (state === 0) {
          const message = JSON.parse(frame.toString()) as { event?: string };
          if (message.event !== 'connected') return;
          connectedUs[i] = nowUs();
          state = 1;
          socket.send(rejoin);
          return;
        }
        if (state === 1) {
          const reply = JSON.parse(frame.toString()) as {
            event?: string;
            id?: unknown;
            message?: { recovered?: boolean; missed?: number; offset?: number; code?: string; message?: string };
          };
          if (reply.id !== 'rejoin') return;
          if (reply.event === 'exception' && reply.message?.code === 'INTERNAL' && attempts < MAX_ATTEMPTS) {
            // The server could not read the history or reach the registry in time ("try again"): an application retries.
            refused++;
            if (attempts === 1) refusedClients++;
            const delay = Math.min(MAX_RETRY_DELAY_MS, FIRST_RETRY_DELAY_MS * 2 ** (attempts - 1)) * (0.5 + Math.random() / 2);
            attempts++;
            setTimeout(() => socket.readyState === socket.OPEN && socket.send(rejoin), delay);
            return;
          }
          repliedUs[i] = nowUs();
          if (reply.event !== 'joinRoom' || reply.message?.recovered !== true) return fail(`not recovered: ${frame.toString()}`);
          if (reply.message.missed !== missed || reply.message.offset !== top) {
            return fail(`reply says missed ${reply.message.missed} up to ${reply.message.offset}, expected ${missed} up to ${top}`);
          }
          recovered++;
          state = 2;
          if (missed === 0) done();
          return;
        }
        framesReceived++;
        const offset = offsetOf(frame);
        if (offset !== expected) return fail(`frame with offset ${offset} where ${expected} was next: ${frame.toString().slice(0, 120)}`);
        if (!readDelivery(frame, found) || found.seq !== offset - base - 1)
          return fail(`offset ${offset} carries publication ${found.seq}`);
        if (expected++ === top) done();
      });
    }
  });
}

port.on('message', (command: RecoveryCommand) => {
  const failed = (error: Error): void => post({ type: 'failed', error: error.message });
  switch (command.type) {
    case 'join':
      joinAll().catch(failed);
      break;
    case 'close':
      closeAll().catch(failed);
      break;
    case 'rejoin':
      rejoinAll(command.top, command.base).then((report) => {
        post({ type: 'recovered', report });
        for (const socket of sockets) socket.terminate();
      }, failed);
      break;
  }
});
