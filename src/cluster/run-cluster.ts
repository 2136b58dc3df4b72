import { Logger } from '@nestjs/common';
import cluster from 'node:cluster';
import { BootErrorCode, SwitchboardBootError } from '../protocol/switchboard-error';
import { CLUSTER_DEFAULTS, type ClusterBootstrap, type ClusterOptions } from './cluster-options';
import { ClusterPrimary } from './cluster-primary';
import { runWorker } from './cluster-worker';

/**
 * Runs an application on several cores. Call it from your entry script with
 * a function that creates the Nest app and listens; the same script runs in
 * the primary, which forks `workers` processes that share the port, relays
 * for `ClusterIpcBackplane`, restarts a worker that dies (with backoff and a
 * log line) and on SIGTERM or SIGINT drains the workers and exits once they
 * all have. In each worker it runs `bootstrap`.
 *
 * Resolves in the primary once every worker listens, in a worker once its
 * app is up. Each worker finds its slot (0 … workers-1, kept by the worker
 * that replaces it) in `SWITCHBOARD_WORKER_SLOT`.
 *
 * @example
 * runCluster(async () => {
 *   const app = await NestFactory.create(AppModule); // SwitchboardModule.forRoot({ backplane: new ClusterIpcBackplane() })
 *   await app.listen(3000);
 *   return app;
 * }, { workers: 4 });
 */
export async function runCluster(bootstrap: ClusterBootstrap, options: ClusterOptions = {}): Promise<void> {
  // An option given as undefined (e.g. from an unset environment variable) keeps its default.
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as ClusterOptions;
  const settings = { ...CLUSTER_DEFAULTS, logger: new Logger('Cluster'), ...given };
  if (cluster.isPrimary) {
    if (!Number.isInteger(settings.workers) || settings.workers < 1) {
      throw new SwitchboardBootError(
        BootErrorCode.INVALID_CLUSTER_OPTIONS,
        // A string (an environment variable not converted, say) is shown as one: "got 2" would read as valid.
        `runCluster() needs a whole number of workers >= 1, got ${typeof settings.workers === 'string' ? `the string "${settings.workers}"` : String(settings.workers)}`,
      );
    }
    await new ClusterPrimary(cluster, settings).start();
    return;
  }
  await runWorker(bootstrap, settings.signals, settings.logger);
}
