/**
 * Codes of the errors Switchboard rejects with (or throws) while the app
 * runs: what `RealtimeService` calls, the backplanes' registry calls and the
 * hosts given to exception filters can fail with. They never change meaning
 * between versions; each is described in docs/reference/errors.md.
 */
export const RuntimeErrorCode = {
  /** A registry call got no answer in time; the message names the call and how far it got. */
  REGISTRY_TIMEOUT: 'SB_REGISTRY_TIMEOUT',
  /** The registry cannot be asked: the IPC channel to the cluster primary is closed, or Redis is away and the call is about another node's connection. */
  REGISTRY_UNREACHABLE: 'SB_REGISTRY_UNREACHABLE',
  /** The cluster primary answered a registry call with an error; the message carries it. */
  REGISTRY_FAILED: 'SB_REGISTRY_FAILED',
  /** The backplane stopped (the app is closing) while a registry call waited for its answer. */
  BACKPLANE_STOPPED: 'SB_BACKPLANE_STOPPED',
  /** Redis did not answer a step of the backplane's start or stop (connecting, unsubscribing, quitting) in time. */
  BACKPLANE_TIMEOUT: 'SB_BACKPLANE_TIMEOUT',
  /** `RealtimeService.joinRoom()` was given a room name that is not valid (as a client join gets `INVALID_ROOM`). */
  INVALID_ROOM: 'SB_INVALID_ROOM',
  /** `RealtimeService.joinRoom()` would put a connection (of any node) in more than its route's `maxRoomsPerConnection` rooms. */
  TOO_MANY_ROOMS: 'SB_TOO_MANY_ROOMS',
  /** `updateConnectionMetadata()` was given a patch that is not a plain object, or holds a `__proto__`, `constructor` or `prototype` key. */
  INVALID_METADATA: 'SB_INVALID_METADATA',
  /** An exception filter asked its host for an `http` or `rpc` context; Switchboard handlers run in a `ws` one. */
  WRONG_CONTEXT: 'SB_WRONG_CONTEXT',
} as const;

export type RuntimeErrorCode = (typeof RuntimeErrorCode)[keyof typeof RuntimeErrorCode];
