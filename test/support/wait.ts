/**
 * What a wait was for. A function is called when the wait times out, so the
 * message shows the state at that moment (output so far, frames received),
 * not the state when the wait began.
 */
export type WaitDescription = string | (() => string);

/** The text of a description: a function's answer now, or the string. */
export const describeWait = (what: WaitDescription): string => (typeof what === 'function' ? what() : what);

/** Resolves with `promise`, or rejects after `ms` with a message that says what was awaited. */
export function within<T>(promise: Promise<T>, ms: number, what: WaitDescription): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${describeWait(what)}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Polls `check` until it returns a truthy value or `ms` passes; the error says what never became true. */
export async function eventually<T>(check: () => T | Promise<T>, ms: number, what: WaitDescription): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting until ${describeWait(what)}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
