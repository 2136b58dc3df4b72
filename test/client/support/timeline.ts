import type { ConnectionState, SwitchboardClient, SwitchboardClientError } from '../../../client/node';
import { describeWait, type WaitDescription } from '../../support/wait';
import { Waiters } from '../../support/waiters';

/** One lifecycle callback of a client, with when it ran (ms since the timeline began). */
export type Happening =
  | { readonly kind: 'state'; readonly state: ConnectionState; readonly at: number }
  | { readonly kind: 'connected'; readonly id: string; readonly at: number }
  | { readonly kind: 'disconnected'; readonly code: number; readonly reason: string; readonly at: number }
  | { readonly kind: 'reconnecting'; readonly attempt: number; readonly delay: number; readonly at: number }
  | { readonly kind: 'error'; readonly error: SwitchboardClientError; readonly at: number };

type Kind = Happening['kind'];

/** Happenings a failure message shows from each end of the timeline. */
const SHOWN = 10;
type Of<K extends Kind> = Extract<Happening, { kind: K }>;

/**
 * Everything a client's lifecycle callbacks report, in order, from the moment
 * it is created: what a test asserts on, and what a timed-out wait prints.
 */
export class Timeline {
  readonly happenings: Happening[] = [];
  private readonly began = Date.now();
  private readonly waiters = new Waiters();

  constructor(client: SwitchboardClient) {
    const add = (happening: Happening): void => {
      this.happenings.push(happening);
      this.waiters.wake();
    };
    client.onStateChange((state) => add({ kind: 'state', state, at: this.now() }));
    client.onConnected((id) => add({ kind: 'connected', id, at: this.now() }));
    client.onDisconnected((code, reason) => add({ kind: 'disconnected', code, reason, at: this.now() }));
    client.onReconnecting((attempt, delay) => add({ kind: 'reconnecting', attempt, delay, at: this.now() }));
    client.onError((error) => add({ kind: 'error', error, at: this.now() }));
  }

  /** Every happening of one kind so far. */
  of<K extends Kind>(kind: K): Of<K>[] {
    return this.happenings.filter((h): h is Of<K> => h.kind === kind);
  }

  /** The codes of every error reported to `onError` so far. */
  errorCodes(): string[] {
    return this.of('error').map((h) => h.error.code);
  }

  /**
   * Resolves with the first happening of `kind` that matches (one already
   * recorded counts), waiting up to `ms`; the timeout message lists what
   * did happen by then.
   */
  waitFor<K extends Kind>(kind: K, match: (happening: Of<K>) => boolean, what: WaitDescription, ms: number): Promise<Of<K>> {
    return this.waiters.until(
      () => this.of(kind).find(match),
      ms,
      () => `${describeWait(what)}; the client's timeline so far: ${this.toString()}`,
    );
  }

  /**
   * `+12ms reconnecting #1 in 7ms, +40ms error CONNECT_FAILED …`, for failure
   * messages: the first and last `SHOWN` happenings, and how many lie between
   * (a client retrying every few ms records hundreds).
   */
  toString(): string {
    if (this.happenings.length === 0) return '(nothing yet)';
    const text = (h: Happening): string => `+${h.at}ms ${describeHappening(h)}`;
    if (this.happenings.length <= 2 * SHOWN) return this.happenings.map(text).join(', ');
    const between = this.happenings.length - 2 * SHOWN;
    return [...this.happenings.slice(0, SHOWN).map(text), `… ${between} more …`, ...this.happenings.slice(-SHOWN).map(text)].join(', ');
  }

  private now(): number {
    return Date.now() - this.began;
  }
}

function describeHappening(h: Happening): string {
  switch (h.kind) {
    case 'state':
      return `state ${h.state}`;
    case 'connected':
      return `connected ${h.id}`;
    case 'disconnected':
      return `disconnected ${h.code}${h.reason ? ` "${h.reason}"` : ''}`;
    case 'reconnecting':
      return `reconnecting #${h.attempt} in ${h.delay}ms`;
    case 'error':
      return `error ${h.error.code} "${h.error.message}"`;
  }
}
