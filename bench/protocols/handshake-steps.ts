import type { WebSocket } from 'ws';

/**
 * The frames of one connection during its handshake, queued from the moment
 * the socket exists, so a frame that arrives with the `open` event is not
 * missed. `expect()` waits (bounded) for the next frame a matcher accepts.
 */
export class HandshakeSteps {
  private readonly queued: string[] = [];
  private waiter?: () => void;
  private failure?: Error;

  constructor(
    private readonly socket: WebSocket,
    private readonly timeoutMs: number,
  ) {
    socket.on('message', this.onMessage);
    socket.once('open', this.onOpen);
    socket.once('error', this.onError);
    socket.once('close', this.onClose);
  }

  /** Resolves once the socket is open. */
  opened(): Promise<void> {
    if (this.socket.readyState === this.socket.OPEN) return Promise.resolve();
    return this.wait('the WebSocket to open', () => this.socket.readyState === this.socket.OPEN);
  }

  /** Waits for a frame `match` maps to a value; frames it rejects are skipped. */
  async expect<T>(what: string, match: (text: string) => T | undefined): Promise<T> {
    let found: T | undefined;
    await this.wait(what, () => {
      while (this.queued.length > 0) {
        found = match(this.queued.shift()!);
        if (found !== undefined) return true;
      }
      return false;
    });
    return found as T;
  }

  send(text: string): void {
    this.socket.send(text);
  }

  /** Stops listening; later frames go to whoever listens next. */
  done(): void {
    this.socket.off('message', this.onMessage);
    this.socket.off('open', this.onOpen);
    this.socket.off('error', this.onError);
    this.socket.off('close', this.onClose);
  }

  private wait(what: string, ready: () => boolean): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiter = undefined;
        reject(new Error(`handshake: no ${what} within ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      const check = (): void => {
        if (this.failure) {
          clearTimeout(timer);
          this.waiter = undefined;
          reject(new Error(`handshake: ${this.failure.message} while waiting for ${what}`));
        } else if (ready()) {
          clearTimeout(timer);
          this.waiter = undefined;
          resolve();
        }
      };
      this.waiter = check;
      check();
    });
  }

  private readonly onMessage = (data: Buffer): void => {
    this.queued.push(data.toString());
    this.waiter?.();
  };

  private readonly onOpen = (): void => {
    this.waiter?.();
  };

  private readonly onError = (error: Error): void => {
    this.failure = error;
    this.waiter?.();
  };

  private readonly onClose = (code: number): void => {
    this.failure ??= new Error(`socket closed (${code})`);
    this.waiter?.();
  };
}
