import type { ReconnectOptions } from './options';

/** Close 1001 (the server is going away) and 1012 (it restarts): it is worth coming back at once. */
const PROMPT_CODES: readonly number[] = [1001, 1012];
/** Handshake statuses that say "you may not connect": retrying cannot help. */
const REFUSED_STATUSES: readonly number[] = [401, 403];

/** What a closed socket tells the client. */
export interface CloseFacts {
  readonly code: number;
  readonly reason: string;
  /** HTTP status of a refused handshake, when the transport can see it. */
  readonly handshakeStatus?: number;
}

/** Whether to reconnect after a close, and why not when not. */
export type CloseDecision =
  | { readonly retry: true; readonly prompt: boolean }
  | { readonly retry: false; readonly why: 'refused' | 'stop-code' | 'disabled'; readonly explanation: string };

/** Decides what a close means for reconnection. Pure: the client applies it. */
export function decideAfterClose(facts: CloseFacts, options: ReconnectOptions): CloseDecision {
  if (facts.handshakeStatus !== undefined && REFUSED_STATUSES.includes(facts.handshakeStatus)) {
    return { retry: false, why: 'refused', explanation: `the server refused the handshake with HTTP ${facts.handshakeStatus}` };
  }
  if (options.stopOnCodes.includes(facts.code)) {
    const reason = facts.reason ? `: ${facts.reason}` : '';
    return { retry: false, why: 'stop-code', explanation: `the server closed the connection with code ${facts.code}${reason}` };
  }
  if (!options.enabled)
    return { retry: false, why: 'disabled', explanation: `the connection closed (code ${facts.code}) and reconnect is off` };
  return { retry: true, prompt: PROMPT_CODES.includes(facts.code) };
}
