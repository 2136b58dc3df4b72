import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { ProtocolId } from './protocols';

/** Every server the bench can run, in table order. */
export const CONTENDER_IDS = [
  'ws',
  'socketio',
  'socketio-redis',
  'nest-ws',
  'switchboard',
  'switchboard-ipc',
  'switchboard-redis',
  'switchboard-redis-signed',
] as const;
export type ContenderId = (typeof CONTENDER_IDS)[number];

/** One server under test. */
export interface Contender {
  readonly id: ContenderId;
  readonly label: string;
  /** Entry file, run with the TypeScript hook in a process of its own. */
  readonly entry: string;
  readonly env: Readonly<Record<string, string>>;
  readonly protocol: ProtocolId;
  /** Server processes that hold connections (cluster workers); the primary is not counted. */
  readonly workers: number;
  readonly needsRedis: boolean;
  /** The Socket.IO row its ratios are taken against: the single process, or the cluster with the Redis adapter. */
  readonly socketIoPeer: 'socketio' | 'socketio-redis';
  /** The same server without one feature, whose cost the report states as a ratio to this row (e.g. signing). */
  readonly without?: { readonly contender: ContenderId; readonly feature: string };
}

const server = (file: string): string => join(__dirname, 'servers', file);

export const CONTENDERS: Record<ContenderId, Contender> = {
  ws: {
    id: 'ws',
    label: 'raw ws, pre-framed',
    entry: server('raw-ws.server.ts'),
    env: {},
    protocol: 'raw-ws',
    workers: 1,
    needsRedis: false,
    socketIoPeer: 'socketio',
  },
  socketio: {
    id: 'socketio',
    label: 'Socket.IO 4',
    entry: server('socketio.server.ts'),
    env: { WORKERS: '1' },
    protocol: 'socketio',
    workers: 1,
    needsRedis: false,
    socketIoPeer: 'socketio',
  },
  'socketio-redis': {
    id: 'socketio-redis',
    label: 'Socket.IO 4, 2 workers, Redis adapter',
    entry: server('socketio.server.ts'),
    env: { WORKERS: '2' },
    protocol: 'socketio',
    workers: 2,
    needsRedis: true,
    socketIoPeer: 'socketio-redis',
  },
  'nest-ws': {
    id: 'nest-ws',
    label: 'NestJS platform-ws, loop',
    entry: server('nest-ws.server.ts'),
    env: {},
    protocol: 'nest-ws',
    workers: 1,
    needsRedis: false,
    socketIoPeer: 'socketio',
  },
  switchboard: {
    id: 'switchboard',
    label: 'Switchboard, 1 process',
    entry: server('switchboard.server.ts'),
    env: { BACKPLANE: 'memory' },
    protocol: 'switchboard',
    workers: 1,
    needsRedis: false,
    socketIoPeer: 'socketio',
  },
  'switchboard-ipc': {
    id: 'switchboard-ipc',
    label: 'Switchboard, 2 workers, IPC',
    entry: server('switchboard.server.ts'),
    env: { BACKPLANE: 'ipc', WORKERS: '2' },
    protocol: 'switchboard',
    workers: 2,
    needsRedis: false,
    socketIoPeer: 'socketio-redis',
  },
  'switchboard-redis': {
    id: 'switchboard-redis',
    label: 'Switchboard, 2 workers, Redis',
    entry: server('switchboard.server.ts'),
    env: { BACKPLANE: 'redis', WORKERS: '2' },
    protocol: 'switchboard',
    workers: 2,
    needsRedis: true,
    socketIoPeer: 'socketio-redis',
  },
  'switchboard-redis-signed': {
    id: 'switchboard-redis-signed',
    label: 'Switchboard, 2 workers, Redis, signed',
    entry: server('switchboard.server.ts'),
    // A secret for this run only: what is measured is one HMAC per message sent and one per message received.
    env: { BACKPLANE: 'redis', WORKERS: '2', BACKPLANE_SECRET: randomBytes(32).toString('base64') },
    protocol: 'switchboard',
    workers: 2,
    needsRedis: true,
    socketIoPeer: 'socketio-redis',
    without: { contender: 'switchboard-redis', feature: 'signed envelopes (HMAC-SHA256)' },
  },
};
