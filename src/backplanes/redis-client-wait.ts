import type { Redis } from 'ioredis';
import { RuntimeErrorCode } from '../protocol/runtime-error-codes';
import { SwitchboardError } from '../protocol/switchboard-error';

/**
 * `promise`, or an error with `code` (default `BACKPLANE_TIMEOUT`) naming
 * `what` was waited for once `ms` have passed: a Redis that stopped
 * answering must not hang a stop, a boot or a registry call.
 */
export function bounded<T>(
  promise: Promise<T>,
  what: string,
  ms = 1000,
  code: RuntimeErrorCode = RuntimeErrorCode.BACKPLANE_TIMEOUT,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SwitchboardError(code, `no answer within ${ms} ms while ${what}`)), ms);
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

/** Waits, up to `ms`, until each of `channels` has a subscriber (PUBSUB NUMSUB, asked every 20 ms); those still without one. */
export async function untilSubscribed(client: Redis, channels: readonly string[], ms: number): Promise<string[]> {
  const deadline = Date.now() + ms;
  let waiting = [...channels];
  while (waiting.length > 0 && Date.now() < deadline) {
    const counts = (await client.pubsub('NUMSUB', ...waiting)) as unknown[];
    waiting = waiting.filter((_, i) => Number(counts[2 * i + 1]) === 0);
    if (waiting.length > 0) await new Promise((resolve) => setTimeout(resolve, 20).unref());
  }
  return waiting;
}
