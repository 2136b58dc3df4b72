import { CONTENDERS, HISTORY_IDS, type Contender } from '../contenders';
import { benchRedis, type BenchRedis } from './redis';

/** What one scenario run on one history contender gives, or why it could not run. */
export interface ContenderRun {
  readonly label: string;
  readonly error?: string;
}

/**
 * Runs `run` on each history contender `servers` names (all of them when it
 * names none), `reps` times, starting Redis once for those that need it (a
 * contender whose Redis is unavailable gets a run saying so), and deletes
 * the keys under `prefix` at the end.
 */
export async function forEachHistoryContender<R extends ContenderRun>(
  servers: readonly string[],
  redisUrl: string,
  prefix: string,
  run: (contender: Contender, redis: BenchRedis | undefined, rep: number) => Promise<R>,
  reps = 1,
): Promise<(R | ContenderRun)[]> {
  const chosen = HISTORY_IDS.filter((id) => servers.includes(id));
  const ids = chosen.length > 0 ? chosen : HISTORY_IDS;
  let redis: BenchRedis | undefined;
  const runs: (R | ContenderRun)[] = [];
  try {
    for (let rep = 1; rep <= reps; rep++) {
      for (const id of ids) {
        const contender = CONTENDERS[id];
        if (contender.needsRedis && !redis) {
          const found = await benchRedis(redisUrl);
          if (typeof found === 'string') {
            runs.push({ label: contender.label, error: `unavailable: ${found}` });
            continue;
          }
          redis = found;
        }
        runs.push(await run(contender, contender.needsRedis ? redis : undefined, rep));
      }
    }
  } finally {
    await redis?.cleanUp(prefix);
  }
  return runs;
}
