import { ClientErrorCode, SwitchboardClientError } from './errors';
import { unrefTimeout, type TimerHandle } from './timers';
import type { FrameId } from './wire';

/** How far a request got: still in the offline queue, or written to a socket. */
export type RequestStage = 'queued' | 'sent';

/** A request waiting for the frame that carries its id. */
export interface PendingRequest {
  readonly id: FrameId;
  readonly event: string;
  readonly timeout: number;
  stage: RequestStage;
}

interface Entry extends PendingRequest {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: SwitchboardClientError) => void;
  timer?: TimerHandle;
}

/** Requests by id, each settled exactly once: by its reply, an error, or its timeout. */
export class PendingRequests {
  private readonly byId = new Map<FrameId, Entry>();

  /**
   * Tracks a request. When `timeout` ms pass first, `onTimeout` runs (to
   * take it out of the offline queue) and the promise rejects with a
   * `TIMEOUT` error that says how far the request got.
   */
  add(
    request: { id: FrameId; event: string; timeout: number },
    settle: { resolve: (value: unknown) => void; reject: (error: SwitchboardClientError) => void },
    onTimeout: (request: PendingRequest) => string,
  ): PendingRequest {
    const entry: Entry = { ...request, stage: 'queued', ...settle };
    entry.timer = unrefTimeout(() => {
      const context = onTimeout(entry);
      this.reject(
        entry.id,
        new SwitchboardClientError(ClientErrorCode.TIMEOUT, `${describe(entry)} timed out after ${entry.timeout} ms: ${context}`),
      );
    }, request.timeout);
    this.byId.set(entry.id, entry);
    return entry;
  }

  resolve(id: FrameId, value: unknown): boolean {
    const entry = this.take(id);
    entry?.resolve(value);
    return entry !== undefined;
  }

  reject(id: FrameId, error: SwitchboardClientError): boolean {
    const entry = this.take(id);
    entry?.reject(error);
    return entry !== undefined;
  }

  /** Rejects every request at `stage` (or at any stage), with an error made for each. */
  rejectAll(errorFor: (request: PendingRequest) => SwitchboardClientError, stage?: RequestStage): void {
    for (const entry of [...this.byId.values()]) {
      if (stage === undefined || entry.stage === stage) this.reject(entry.id, errorFor(entry));
    }
  }

  private take(id: FrameId): Entry | undefined {
    const entry = this.byId.get(id);
    if (!entry) return undefined;
    this.byId.delete(id);
    clearTimeout(entry.timer);
    return entry;
  }
}

/** `request "message" (id 7)`, for error messages. */
export function describe(request: Pick<PendingRequest, 'event' | 'id'>): string {
  return `request "${request.event}" (id ${request.id})`;
}
