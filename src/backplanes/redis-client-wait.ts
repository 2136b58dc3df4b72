import type { Redis } from 'ioredis';
import { RuntimeErrorCode } from '../protocol/runtime-error-codes';
import { SwitchboardError } from '../protocol/switchboard-error';

/**
 * `promise`, or a `BACKPLANE_TIMEOUT` error naming `what` was waited for
 * once `ms` have passed: a Redis that stopped answering must not hang a
 * stop or a boot.
 */
export function bounded<T>(promise: Promise<T>, what: string, ms = 1000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new SwitchboardError(RuntimeErrorCode.BACKPLANE_TIMEOUT, `no answer within ${ms} ms while ${what}`)),
      ms,
    );
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Connects a lazy client if nobody has yet and waits, up to `ms`, until it is
 * ready. A failed connect also emits 'error' (for `onError`) and retries; the
 * timeout reports it.
 */
export async function clientReady(client: Redis, ms: number, onError: (error: Error) => void): Promise<void> {
  if (client.status === 'wait') void client.connect().catch(onError);
  if (client.status === 'ready') return;
  let onReady: (() => void) | undefined;
  try {
    await bounded(new Promise<void>((resolve) => client.once('ready', (onReady = resolve))), 'connecting', ms);
  } finally {
    if (onReady) client.off('ready', onReady);
  }
}
