// `npm start`: the example chat app in cluster mode, one worker per core by
// default. Workers share PORT (default 3000) and the cluster IPC backplane;
// with REDIS_URL set they use Redis instead, so several such clusters (on
// several machines, or on several ports here) form one deployment.
//
//   npm start                                  # IPC backplane, a worker per core
//   npm start -- --workers 4                   # or WORKERS=4 npm start
//   REDIS_URL=redis://127.0.0.1:6379 npm start
import 'reflect-metadata';
import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import { backplaneFromEnv, runCluster } from '../../src';
import { bootstrap } from './main';

/**
 * What signs the messages between nodes when BACKPLANE_SECRET is not set and
 * they meet in Redis: written here, so it keeps nobody out; it lets two
 * example clusters on one Redis talk, as the README shows.
 */
const EXAMPLE_SECRET = 'switchboard example: set BACKPLANE_SECRET';

// Set in the primary; the workers it forks inherit it.
if (cluster.isPrimary && !process.env.BACKPLANE_SECRET) {
  if (process.env.REDIS_URL) {
    process.env.BACKPLANE_SECRET = EXAMPLE_SECRET;
    console.warn(
      'BACKPLANE_SECRET is not set: messages between nodes are signed with the example secret written in examples/chat/cluster.ts; ' +
        'set BACKPLANE_SECRET (the same on every node sharing REDIS_URL) outside development',
    );
  } else {
    // Only this cluster's workers need it: a secret of its own.
    process.env.BACKPLANE_SECRET = randomBytes(32).toString('base64');
  }
}

/** `--workers N`, `--workers=N` or `WORKERS=N`; undefined leaves the runner's default (one per core). */
function workersWanted(argv: readonly string[], env: NodeJS.ProcessEnv): number | undefined {
  const at = argv.findIndex((arg) => arg === '--workers' || arg.startsWith('--workers='));
  const raw = at < 0 ? env.WORKERS : argv[at].includes('=') ? argv[at].split('=')[1] : argv[at + 1];
  if (raw === undefined || raw === '') return undefined;
  const workers = Number(raw);
  if (!Number.isInteger(workers) || workers < 1) {
    console.error(`--workers / WORKERS must be a whole number >= 1, got "${raw}"`);
    process.exit(2);
  }
  return workers;
}

runCluster(() => bootstrap({ backplane: backplaneFromEnv() }), { workers: workersWanted(process.argv.slice(2), process.env) }).catch(
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
