import { BootErrorCode } from './boot-error-codes';
import type { ErrorCode } from './error-codes';
import type { RuntimeErrorCode } from './runtime-error-codes';

// Defined here before it had a file of its own: importers keep their path.
export { BootErrorCode };

/**
 * Every code a `SwitchboardError` can carry. `VALIDATION_FAILED` is the wire
 * code a `WsValidationException` becomes, so that one keeps it.
 */
export type SwitchboardErrorCode = BootErrorCode | RuntimeErrorCode | typeof ErrorCode.VALIDATION_FAILED;

/**
 * An error Switchboard itself throws or rejects with. Switch on `code`, which
 * never changes meaning between versions, rather than on the message, whose
 * wording may improve. Every code is described in docs/reference/errors.md.
 */
export class SwitchboardError<C extends SwitchboardErrorCode = SwitchboardErrorCode> extends Error {
  constructor(
    readonly code: C,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'SwitchboardError';
  }
}

/**
 * A mistake in how the application uses Switchboard, found at boot. The
 * message, `<code>: <what to fix>`, says what to fix.
 */
export class SwitchboardBootError extends SwitchboardError<BootErrorCode> {
  constructor(code: BootErrorCode, message: string, options?: ErrorOptions) {
    super(code, `${code}: ${message}`, options);
    this.name = 'SwitchboardBootError';
  }
}
