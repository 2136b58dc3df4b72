import { decodePrimaryMessage } from '../backplanes/cluster-ipc-message';
import type { ClusterApp, ClusterBootstrap, ClusterLogger } from './cluster-options';

/**
 * Runs one worker: boots the application, then drains it when the primary
 * says so or a signal arrives (Ctrl-C reaches every process of the group):
 * closing the app stops accepting, closes clients with 1001 and removes
 * their registry entries; then the worker exits.
 */
export async function runWorker(bootstrap: ClusterBootstrap, signals: readonly NodeJS.Signals[], logger: ClusterLogger): Promise<void> {
  let booting: Promise<ClusterApp> | undefined;
  let draining: Promise<void> | undefined;
  const drain = (): Promise<void> =>
    (draining ??= (async () => {
      process.off('message', onIpc);
      for (const signal of signals) process.off(signal, drain);
      try {
        // A drain asked for during boot waits for the app, then closes it.
        await (await booting)?.close();
      } catch (error) {
        logger.error(`worker ${process.pid} failed to close cleanly: ${(error as Error).stack}`);
        process.exit(1);
      }
      process.exit(0);
    })());
  const onIpc = (raw: unknown): void => {
    if (decodePrimaryMessage(raw)?.type === 'drain') void drain();
  };
  process.on('message', onIpc);
  for (const signal of signals) process.on(signal, drain);
  booting = bootstrap();
  try {
    await booting;
  } catch (error) {
    logger.error(`worker ${process.pid} failed to start: ${(error as Error).stack ?? String(error)}`);
    process.exit(1);
  }
}
