// A worker thread of the load generator: opens its share of the receivers,
// joins them to the room, and checks every delivery (latency, order,
// duplicates); tells the main thread each message all of its receivers got.
import { parentPort, workerData } from 'node:worker_threads';
import { WebSocket } from 'ws';
import { protocolOf } from '../protocols';
import { closeSockets } from './close-sockets';
import { newHistogram, record } from './histogram';
import { phaseStarts, type LoadConfig, type ThreadCommand, type ThreadMessage, type ThreadReport } from './load-config';
import { nowUs, readDelivery, type Delivery } from './payload';

interface ThreadData {
  readonly config: LoadConfig;
  readonly firstIndex: number;
  readonly count: number;
}

const { config, firstIndex, count } = workerData as ThreadData;
const protocol = protocolOf(config.protocol);
const port = parentPort!;
const starts = phaseStarts(config);
const totalSeqs = starts[3];
const bitsPerReceiver = Math.ceil(totalSeqs / 8);

const sockets: WebSocket[] = [];
const nodes: string[] = [];
/** Per message: receivers of this thread still waiting for it. */
const waiting = new Int32Array(totalSeqs).fill(count);
/** Per receiver: one bit per message seen. */
const seen = new Uint8Array(bitsPerReceiver * count);
/** Per receiver: highest sequence number seen so far, -1 before any. */
const highest = new Int32Array(count).fill(-1);
const unique: [number, number, number] = [0, 0, 0];
let duplicates = 0;
let outOfOrder = 0;
const latency = {
  saturation: { local: newHistogram(), cross: newHistogram() },
  light: { local: newHistogram(), cross: newHistogram() },
};
let cross: Uint8Array = new Uint8Array(count);

let completed: number[] = [];
const flush = (): void => {
  post({ type: 'done', seqs: completed });
  completed = [];
};

function post(message: ThreadMessage): void {
  port.postMessage(message);
}

function onDelivery(receiver: number, socket: WebSocket, data: Buffer, found: Delivery): void {
  if (!readDelivery(data, found)) return protocol.control(socket, data);
  const arrived = nowUs();
  const seq = found.seq;
  if (seq >= totalSeqs) return;
  const byte = receiver * bitsPerReceiver + (seq >> 3);
  const bit = 1 << (seq & 7);
  if (seen[byte] & bit) {
    duplicates++;
    return;
  }
  seen[byte] |= bit;
  if (seq < highest[receiver]) outOfOrder++;
  else highest[receiver] = seq;
  const phase = seq < starts[1] ? 0 : seq < starts[2] ? 1 : 2;
  unique[phase]++;
  if (phase > 0) {
    const histograms = phase === 1 ? latency.saturation : latency.light;
    record(cross[receiver] ? histograms.cross : histograms.local, arrived - found.sentUs);
  }
  if (--waiting[seq] === 0) {
    if (completed.length === 0) setImmediate(flush);
    completed.push(seq);
  }
}

/** Receivers per node so far, and how many one node may take. */
const perNode = new Map<string, number>();
const quota = Math.ceil(count / Math.max(1, config.serverNodes));
const MAX_REBALANCE_ATTEMPTS = 30;

function connect(index: number): { socket: WebSocket; joined: Promise<string> } {
  const socket = new WebSocket(`${config.origin}${protocol.path}`, {
    perMessageDeflate: false,
    skipUTF8Validation: true,
    handshakeTimeout: config.handshakeTimeoutMs,
    localAddress: `127.0.0.${2 + (index % config.addresses)}`,
  });
  socket.on('error', () => undefined);
  return { socket, joined: protocol.join(socket, config.room, config.handshakeTimeoutMs) };
}

async function open(receiver: number): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const { socket, joined } = connect(firstIndex + receiver);
    const node = await joined;
    const taken = perNode.get(node) ?? 0;
    if (config.serverNodes > 1 && taken >= quota && attempt < MAX_REBALANCE_ATTEMPTS) {
      socket.close();
      continue;
    }
    perNode.set(node, taken + 1);
    sockets[receiver] = socket;
    nodes[receiver] = node;
    const found: Delivery = { seq: 0, sentUs: 0 };
    socket.on('message', (data: Buffer) => onDelivery(receiver, socket, data, found));
    return;
  }
}

async function connectAll(publisherNode: string): Promise<void> {
  let next = 0;
  let opened = 0;
  const lane = async (): Promise<void> => {
    while (next < count) {
      await open(next++);
      if (++opened % 250 === 0) post({ type: 'connected', count: 250 });
    }
  };
  await Promise.all(Array.from({ length: Math.min(config.connectConcurrency, count) }, lane));
  cross = Uint8Array.from(nodes, (node) => (node === publisherNode ? 0 : 1));
  post({ type: 'joined', nodes: Object.fromEntries(perNode) });
}

function report(): ThreadReport {
  return { receivers: count, unique, duplicates, outOfOrder, latency };
}

function closeAll(): Promise<void> {
  return closeSockets(sockets);
}

port.on('message', (command: ThreadCommand) => {
  switch (command.type) {
    case 'connect':
      connectAll(command.publisherNode).catch((error: Error) => post({ type: 'failed', error: error.message }));
      break;
    case 'report':
      post({ type: 'report', report: report() });
      break;
    case 'close':
      void closeAll().then(() => post({ type: 'closed' }));
      break;
  }
});
