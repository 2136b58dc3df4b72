import type { SwitchboardClient } from '../../../client/node';
import { within, type WaitDescription } from '../../support/wait';
import { Waiters } from '../../support/waiters';

/** One frame as a client handler saw it. */
export interface Seen {
  event: string;
  message: any;
  sender?: string;
  room?: string;
}

/** Records every frame a client's handlers receive, and waits for the ones a test expects. */
export class Recorder {
  readonly frames: Seen[] = [];
  private readonly waiters = new Waiters();

  constructor(client: SwitchboardClient) {
    client.on('*', (message, sender, room, event) => {
      this.frames.push({ event, message, sender, room });
      this.waiters.wake();
    });
  }

  /** The messages of every `event` frame so far. */
  messages(event: string): unknown[] {
    return this.frames.filter((f) => f.event === event).map((f) => f.message);
  }

  /** Resolves with the first recorded frame that matches, waiting up to `ms`. */
  waitFor(match: (frame: Seen) => boolean, what: string, ms = 3000): Promise<Seen> {
    return this.waiters.until(
      () => this.frames.find(match),
      ms,
      () => `${what}; seen so far: ${JSON.stringify(this.frames.slice(-6))}`,
    );
  }
}

/** Resolves with the arguments of the next call of a client callback, waiting up to `ms`. */
export function nextCall<A extends unknown[]>(
  subscribe: (callback: (...args: A) => void) => () => void,
  what: WaitDescription,
  ms = 3000,
): Promise<A> {
  let off: (() => void) | undefined;
  const called = new Promise<A>((resolve) => {
    off = subscribe((...args) => resolve(args));
  });
  return within(called, ms, what).finally(() => off?.());
}
