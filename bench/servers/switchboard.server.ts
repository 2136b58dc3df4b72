// Switchboard: a gateway whose `pub` handler sends to a room, sender excluded.
// BACKPLANE=memory (one process, default) | ipc (runCluster, WORKERS workers,
// ClusterIpcBackplane) | redis (runCluster, RedisBackplane at REDIS_URL with
// key/channel prefix REDIS_PREFIX). BACKPLANE_SECRET, when set, signs the
// messages between workers. HISTORY_ROOMS=a,b (the history rows, the
// recovery and history-memory scenarios) makes those rooms keep history,
// 1,000 publications for 5 minutes each: `@Gateway('/ws', { history })`.
//
// Limits are set explicitly so the bench measures fan-out, not policy: the
// publisher sends thousands of frames a second, far above the default rate
// limit (100/s, burst 200) and byte budget (1 MiB/s, burst 4 MiB), so
// rateLimit, rateBurst, byteRateLimit and byteBurst are raised out of
// reach; and every receiver connects from one address, thousands in a few
// seconds, so the per-address caps (1,000 connections, 100 handshakes a
// second) are raised too. Every other limit keeps its default (highWaterMark
// 1 MiB with the `disconnect` slow-client policy, 30 s heartbeat, 64 KiB
// maxPayload, 20,000 connections per node).
import cluster from 'node:cluster';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ClusterIpcBackplane,
  Emitter,
  Gateway,
  MemoryBackplane,
  Message,
  On,
  RedisBackplane,
  SwitchboardModule,
  WsController,
  runCluster,
  type Backplane,
  type WsEmitter,
} from '../../src';
import { BENCH_HISTORY, BENCH_HOST, announceReady, benchPort, collectGarbageOnSignal } from './server-support';

/** The limits the bench server runs with; see the note at the top of this file. */
export const BENCH_LIMITS = {
  rateLimit: 1e9,
  rateBurst: 1e9,
  byteRateLimit: 1e12,
  byteBurst: 1e12,
  maxConnectionsPerIp: 1e9,
  connectionRatePerIp: 1e9,
} as const;

interface Publish {
  readonly room: string;
  readonly payload: unknown;
}

@WsController()
class BenchController {
  @On('pub')
  pub(@Emitter() emitter: WsEmitter, @Message() message: Publish): void {
    emitter.room(message.room).emitExceptSender('m', message.payload);
  }

  /** The noisy-neighbour scenario's quiet client measures its round trips with it. */
  @On('echo')
  echo(@Message() message: unknown): unknown {
    return message;
  }
}

/** `HISTORY_ROOMS=a,b`: the gateway's `history` option for those rooms; none without it. */
function historyFromEnv(): { history?: { rooms: string[]; size: number; ttl: number } } {
  const rooms = (process.env.HISTORY_ROOMS ?? '').split(',').filter(Boolean);
  return rooms.length > 0 ? { history: { rooms, ...BENCH_HISTORY } } : {};
}

@Gateway('/ws', { controllers: [BenchController], ...historyFromEnv() })
class BenchGateway {}

function createBackplane(kind: string): Backplane {
  switch (kind) {
    case 'memory':
      return new MemoryBackplane();
    case 'ipc':
      return new ClusterIpcBackplane({ secret: process.env.BACKPLANE_SECRET });
    case 'redis':
      return RedisBackplane.fromUrl(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', {
        prefix: process.env.REDIS_PREFIX ?? 'sbbench:',
        secret: process.env.BACKPLANE_SECRET,
      });
    default:
      throw new Error(`bench server: BACKPLANE must be memory, ipc or redis, got "${kind}"`);
  }
}

/**
 * `BENCH_LIMITS=default` (the noisy-neighbour scenario): every per-connection
 * limit at its default, the per-address caps raised (all its clients come from
 * 127.0.0.1); otherwise `BENCH_LIMITS` above.
 */
function limitsFromEnv() {
  return process.env.BENCH_LIMITS === 'default' ? { maxConnectionsPerIp: 1e9, connectionRatePerIp: 1e9 } : BENCH_LIMITS;
}

async function startApp(kind: string) {
  @Module({
    imports: [SwitchboardModule.forRoot({ backplane: createBackplane(kind), limits: limitsFromEnv(), closeTimeout: 500 })],
    providers: [BenchController, BenchGateway],
  })
  class SwitchboardBenchModule {}
  const app = await NestFactory.create(SwitchboardBenchModule, { logger: ['error', 'warn'] });
  await app.listen(benchPort(), BENCH_HOST);
  return app;
}

async function main(): Promise<void> {
  const kind = process.env.BACKPLANE ?? 'memory';
  collectGarbageOnSignal(() => (kind === 'memory' ? 'single' : cluster.isPrimary ? 'primary' : 'worker'));
  if (kind === 'memory') {
    const app = await startApp(kind);
    process.on('SIGTERM', () => void app.close().finally(() => process.exit(0)));
    announceReady();
    return;
  }
  await runCluster(() => startApp(kind), {
    workers: Number(process.env.WORKERS ?? 2),
    shutdownTimeout: 3000,
    logger: { log: () => undefined, warn: (m) => console.warn(m), error: (m) => console.error(m) },
  });
  // runCluster resolves in the primary once every worker listens.
  if (cluster.isPrimary) announceReady();
}

void main();
