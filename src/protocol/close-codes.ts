/** Close codes the server sends, and what each tells a client. */
export const CloseCode = {
  /** `RealtimeService.disconnect()` closed the connection on purpose: do not reconnect. */
  NORMAL_CLOSURE: 1000,
  /** The server is shutting down or draining: reconnect (to another node). */
  GOING_AWAY: 1001,
  /** The connection broke a policy (rate limit kept exceeded): do not retry as is. */
  POLICY_VIOLATION: 1008,
  /** A frame was larger than `maxPayload`. */
  MESSAGE_TOO_BIG: 1009,
  /** An on-connect hook failed. */
  INTERNAL_ERROR: 1011,
  /** Try again later: the registry could not record the connection, or the client read too slowly. */
  TRY_AGAIN_LATER: 1013,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
