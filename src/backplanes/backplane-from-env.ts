import cluster from 'node:cluster';
import type { Backplane } from './backplane';
import { ClusterIpcBackplane, type ClusterIpcBackplaneOptions } from './cluster-ipc.backplane';
import { MemoryBackplane } from './memory.backplane';
import type { RedisBackplaneOptions } from './redis-backplane.options';
import { RedisBackplane } from './redis.backplane';

/** Options of `backplaneFromEnv()`, passed on to the backplane it picks. */
export interface BackplaneFromEnvOptions {
  readonly redis?: Omit<RedisBackplaneOptions, 'publisher' | 'subscriber' | 'quitClientsOnStop'>;
  readonly cluster?: ClusterIpcBackplaneOptions;
}

/**
 * The backplane that fits how this process runs: Redis when `REDIS_URL` is
 * set, cluster IPC in a `node:cluster` worker, memory otherwise.
 */
export function backplaneFromEnv(env: NodeJS.ProcessEnv = process.env, options: BackplaneFromEnvOptions = {}): Backplane {
  if (env.REDIS_URL) return RedisBackplane.fromUrl(env.REDIS_URL, options.redis);
  if (cluster.isWorker) return new ClusterIpcBackplane(options.cluster);
  return new MemoryBackplane();
}
