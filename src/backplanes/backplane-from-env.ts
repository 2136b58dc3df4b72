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
 * `BACKPLANE_SECRET` signs the messages between nodes (`secret`); a
 * comma-separated list rotates it: the first signs, every one verifies. A
 * `secret` given in `options` wins.
 */
export function backplaneFromEnv(env: NodeJS.ProcessEnv = process.env, options: BackplaneFromEnvOptions = {}): Backplane {
  const secrets = env.BACKPLANE_SECRET?.split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const secret = secrets?.length ? { secret: secrets } : {};
  if (env.REDIS_URL) return RedisBackplane.fromUrl(env.REDIS_URL, { ...secret, ...options.redis });
  if (cluster.isWorker) return new ClusterIpcBackplane({ ...secret, ...options.cluster });
  return new MemoryBackplane();
}
