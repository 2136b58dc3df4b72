import { ClientErrorCode, SwitchboardClientError } from './errors';
import { unrefTimeout, type TimerHandle } from './timers';

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: SwitchboardClientError) => void;
  readonly timer: TimerHandle;
}

/** `joinRoom()` promises waiting for their room to be acknowledged, on this connection or a later one. */
export class RoomWaiters {
  private readonly byRoom = new Map<string, Waiter[]>();

  /**
   * Waits for `settle(room)`. After `timeout` ms the waiter is removed, then
   * `onTimeout` runs and its text becomes the `TIMEOUT` error's message.
   */
  wait(room: string, timeout: number, onTimeout: () => string): Promise<void> {
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: unrefTimeout(() => {
          this.remove(room, waiter);
          reject(new SwitchboardClientError(ClientErrorCode.TIMEOUT, onTimeout()));
        }, timeout),
      };
      this.byRoom.set(room, [...(this.byRoom.get(room) ?? []), waiter]);
    });
  }

  has(room: string): boolean {
    return this.byRoom.has(room);
  }

  /** Resolves (or, with an error, rejects) every waiter of `room`; false when there was none. */
  settle(room: string, error?: SwitchboardClientError): boolean {
    const waiters = this.byRoom.get(room);
    if (!waiters) return false;
    this.byRoom.delete(room);
    for (const waiter of waiters) {
      clearTimeout(waiter.timer);
      if (error) waiter.reject(error);
      else waiter.resolve();
    }
    return true;
  }

  settleAll(error: SwitchboardClientError): void {
    for (const room of [...this.byRoom.keys()]) this.settle(room, error);
  }

  private remove(room: string, waiter: Waiter): void {
    const rest = (this.byRoom.get(room) ?? []).filter((w) => w !== waiter);
    if (rest.length > 0) this.byRoom.set(room, rest);
    else this.byRoom.delete(room);
  }
}
