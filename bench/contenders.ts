import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { ProtocolId } from './protocols';
import { BENCH_ROOM } from './servers/server-support';

/** Every server the bench can run, in table order. */
export const CONTENDER_IDS = [
  'ws',
  'socketio',
  'socketio-redis',
  'nest-ws',
  'switchboard',
  'switchboard-history',
  'switchboard-ipc',
  'switchboard-ipc-history',
  'switchboard-redis',
  'switchboard-redis-history',
  'switchboard-redis-signed',
] as const;
export type ContenderId = (typeof CONTENDER_IDS)[number];

/** The rows whose room keeps history (issue #13); opt-in with `--servers`, and the servers of `--recovery`. */
export const HISTORY_IDS = ['switchboard-history', 'switchboard-ipc-history', 'switchboard-redis-history'] as const;

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
  /**
   * The same server without one feature, whose cost the report states as a
   * ratio to this row (e.g. signing); with `target`, the most CPU per
   * delivery the feature may cost, as that ratio.
   */
  readonly without?: { readonly contender: ContenderId; readonly feature: string; readonly target?: number };
  /** Not in the default run: only when named in `--servers`. */
  readonly optIn?: boolean;
}

const server = (file: string): string => join(__dirname, 'servers', file);

/** Issue #13: a history room may cost at most this much server CPU per delivery, over the same room without history. */
export const HISTORY_TARGET = 1.15;

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
  // The same three Switchboard servers with the bench room keeping history
  // (1,000 publications, 5 minutes): every publication numbered by the
  // backplane, kept, and delivered with `"offset":N`. Issue #13 asks for at
  // most 1.15 × the CPU per delivery of the same server without history.
  'switchboard-history': {
    id: 'switchboard-history',
    label: 'Switchboard, 1 process, history',
    entry: server('switchboard.server.ts'),
    env: { BACKPLANE: 'memory', HISTORY_ROOMS: BENCH_ROOM },
    protocol: 'switchboard',
    workers: 1,
    needsRedis: false,
    socketIoPeer: 'socketio',
    without: { contender: 'switchboard', feature: 'room history', target: HISTORY_TARGET },
    optIn: true,
  },
  'switchboard-ipc-history': {
    id: 'switchboard-ipc-history',
    label: 'Switchboard, 2 workers, IPC, history',
    entry: server('switchboard.server.ts'),
    env: { BACKPLANE: 'ipc', WORKERS: '2', HISTORY_ROOMS: BENCH_ROOM },
    protocol: 'switchboard',
    workers: 2,
    needsRedis: false,
    socketIoPeer: 'socketio-redis',
    without: { contender: 'switchboard-ipc', feature: 'room history', target: HISTORY_TARGET },
    optIn: true,
  },
  'switchboard-redis-history': {
    id: 'switchboard-redis-history',
    label: 'Switchboard, 2 workers, Redis, history',
    entry: server('switchboard.server.ts'),
    env: { BACKPLANE: 'redis', WORKERS: '2', HISTORY_ROOMS: BENCH_ROOM },
    protocol: 'switchboard',
    workers: 2,
    needsRedis: true,
    socketIoPeer: 'socketio-redis',
    without: { contender: 'switchboard-redis', feature: 'room history', target: HISTORY_TARGET },
    optIn: true,
  },
};

/** The servers of a run without `--servers`: all but the opt-in rows. */
export const DEFAULT_SERVERS: readonly ContenderId[] = CONTENDER_IDS.filter((id) => !CONTENDERS[id].optIn);
