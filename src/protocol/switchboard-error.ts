/** Codes of the errors Switchboard throws at boot for programming mistakes. */
export const BootErrorCode = {
  CONTROLLER_NOT_PROVIDED: 'SB_CONTROLLER_NOT_PROVIDED',
  CONTROLLER_NOT_DECORATED: 'SB_CONTROLLER_NOT_DECORATED',
  DUPLICATE_EVENT: 'SB_DUPLICATE_EVENT',
  RESERVED_EVENT: 'SB_RESERVED_EVENT',
  DUPLICATE_ROUTE: 'SB_DUPLICATE_ROUTE',
  INVALID_ROUTE: 'SB_INVALID_ROUTE',
  NO_HTTP_SERVER: 'SB_NO_HTTP_SERVER',
  SCOPED_PROVIDER: 'SB_SCOPED_PROVIDER',
  BACKPLANE_UNREACHABLE: 'SB_BACKPLANE_UNREACHABLE',
  BACKPLANE_MISCONFIGURED: 'SB_BACKPLANE_MISCONFIGURED',
  INVALID_CLUSTER_OPTIONS: 'SB_INVALID_CLUSTER_OPTIONS',
  INVALID_FILTER: 'SB_INVALID_FILTER',
  INVALID_JOIN_OPTIONS: 'SB_INVALID_JOIN_OPTIONS',
  JOIN_AUTHORIZER_NOT_PROVIDED: 'SB_JOIN_AUTHORIZER_NOT_PROVIDED',
} as const;

/** A mistake in how the application uses Switchboard, found at boot. The message says what to fix. */
export class SwitchboardBootError extends Error {
  constructor(
    readonly code: (typeof BootErrorCode)[keyof typeof BootErrorCode],
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'SwitchboardBootError';
  }
}
