/** A timer handle in both browsers (a number) and Node (an object). */
export type TimerHandle = ReturnType<typeof setTimeout>;

/**
 * `setTimeout` whose timer does not keep a Node process alive on its own
 * (browsers have no such notion, so it is a plain timer there).
 */
export function unrefTimeout(fn: () => void, ms: number): TimerHandle {
  const timer = setTimeout(fn, ms);
  (timer as { unref?: () => void }).unref?.();
  return timer;
}
