import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { freePort, sleep } from './processes';

/** The Redis the cluster contenders run on. */
export interface BenchRedis {
  readonly url: string;
  /** The redis-server's pid when it runs on this machine (its CPU is then reported too). */
  readonly pid?: number;
  /** Deletes every key under `prefix` (left by a server that was killed) and stops a server the bench started. */
  cleanUp(prefix: string): Promise<void>;
}

/** Calls of each command so far, as `INFO commandstats` counts them (commands a script runs included), by lower-case name. */
export type CommandCalls = Record<string, number>;

/**
 * Every command's calls so far on the Redis at `url`. These are the whole
 * server's counts: whatever else uses that Redis is in them too. The INFO
 * this sends (and the one ioredis' ready check sends) counts as `info`.
 */
export function commandCalls(url: string): Promise<CommandCalls> {
  return withRedis(url, async (redis) => {
    const calls: CommandCalls = {};
    for (const [, name, count] of (await redis.info('commandstats')).matchAll(/^cmdstat_(\S+?):calls=(\d+)/gm)) {
      calls[name] = Number(count);
    }
    return calls;
  });
}

/** Runs `use` with a client of the Redis at `url`, disconnected afterwards. */
export async function withRedis<T>(url: string, use: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = client(url);
  try {
    await redis.connect();
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

/** What ran between two readings of `commandCalls`, without the readings' own INFO and HELLO. */
export function callsBetween(before: CommandCalls, after: CommandCalls): CommandCalls {
  const delta: CommandCalls = {};
  for (const [name, count] of Object.entries(after)) {
    const n = count - (before[name] ?? 0);
    // The readings' own: INFO, and the HELLO ioredis opens each connection with.
    if (n > 0 && name !== 'info' && name !== 'hello') delta[name] = n;
  }
  return delta;
}

function client(url: string): Redis {
  const redis = new Redis(url, { lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 1000 });
  redis.on('error', () => undefined);
  return redis;
}

async function probe(url: string): Promise<number | undefined | false> {
  const redis = client(url);
  try {
    await redis.connect();
    const info = await redis.info('server');
    const pid = Number(/process_id:(\d+)/.exec(info)?.[1]);
    const local = pid > 0 && existsSync(`/proc/${pid}/comm`) && readFileSync(`/proc/${pid}/comm`, 'utf8').includes('redis');
    return local ? pid : undefined;
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

async function deleteKeys(url: string, prefix: string): Promise<void> {
  const redis = client(url);
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } catch {
    // best effort: keys under a unique prefix harm nobody
  } finally {
    redis.disconnect();
  }
}

/**
 * Redis at `url`, or, when nothing answers there and `redis-server` is
 * installed, one the bench starts on a free port. Resolves to a reason
 * string when neither is possible.
 */
export async function benchRedis(url: string): Promise<BenchRedis | string> {
  const found = await probe(url);
  if (found !== false) return { url, pid: found, cleanUp: (prefix) => deleteKeys(url, prefix) };
  if (spawnSync('redis-server', ['--version']).status !== 0) {
    return `Redis not reachable at ${url} and no redis-server binary to start one (set REDIS_URL)`;
  }
  const port = await freePort();
  const own = `redis://127.0.0.1:${port}`;
  const server: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: 'ignore',
  });
  for (let i = 0; i < 50; i++) {
    const pid = await probe(own);
    if (pid !== false) {
      return {
        url: own,
        pid: pid ?? server.pid,
        cleanUp: async () => {
          server.kill('SIGKILL');
        },
      };
    }
    await sleep(100);
  }
  server.kill('SIGKILL');
  return `Redis not reachable at ${url}, and a redis-server started on port ${port} did not answer within 5 s`;
}
