import { join } from 'node:path';
import { freePort } from './free-port';
import { REPO } from './repo';
import { childEnv, startNode, TS_NODE, type RunningProcess } from './run-process';

/** The example app as `npm start` runs it (examples/chat/cluster.ts, here from source), with two workers on the IPC backplane. */
export interface ExampleCluster {
  readonly port: number;
  /** The primary, and what it and its workers printed. */
  readonly primary: RunningProcess;
  /** SIGTERM, then waits for the primary to exit (SIGKILL, and a failure, after 8 s). */
  stop(): Promise<void>;
}

/** Starts the example cluster on a free port and resolves once it says both workers are ready. */
export async function startExampleCluster(): Promise<ExampleCluster> {
  const port = await freePort();
  const env = childEnv({ PORT: String(port), NO_COLOR: '1' });
  delete env.REDIS_URL;
  delete env.WORKERS;
  delete env.BACKPLANE_SECRET;
  const primary = startNode([...TS_NODE, join(REPO, 'examples/chat/cluster.ts'), '--workers', '2'], { env });
  try {
    await primary.waitForOutput(new RegExp(`cluster ready: 2 workers share port ${port}`), 20_000, 'the example cluster to be ready');
  } catch (error) {
    primary.kill();
    throw error;
  }
  return {
    port,
    primary,
    stop: async () => {
      await primary.stop(8000);
    },
  };
}
