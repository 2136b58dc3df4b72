// `npm start`: the example chat app in cluster mode, one worker per core by
// default. Workers share PORT (default 3000) and the cluster IPC backplane;
// with REDIS_URL set they use Redis instead, so several such clusters (on
// several machines, or on several ports here) form one deployment.
//
//   npm start                                  # IPC backplane, a worker per core
//   npm start -- --workers 4                   # or WORKERS=4 npm start
//   REDIS_URL=redis://127.0.0.1:6379 npm start
import 'reflect-metadata';
import { backplaneFromEnv, runCluster } from '../../src';
import { bootstrap } from './main';

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
