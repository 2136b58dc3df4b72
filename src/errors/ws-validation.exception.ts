import { ValidationPipe, type ValidationError, type ValidationPipeOptions } from '@nestjs/common';
import { ErrorCode } from '../protocol/error-codes';
import { SwitchboardError } from '../protocol/switchboard-error';

/**
 * Thrown by `WsValidationPipe`: the failed properties, each with its messages.
 * Its code is the wire code the client gets for it.
 */
export class WsValidationException extends SwitchboardError<typeof ErrorCode.VALIDATION_FAILED> {
  constructor(readonly fields: Readonly<Record<string, readonly string[]>>) {
    super(ErrorCode.VALIDATION_FAILED, `Validation failed: ${Object.keys(fields).join(', ')}`);
    this.name = 'WsValidationException';
  }
}

/** Flattens class-validator errors to `{ 'address.city': ['city must be a string'] }`. */
export function flattenValidationErrors(errors: readonly ValidationError[], prefix = ''): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) fields[path] = Object.values(error.constraints);
    if (error.children?.length) Object.assign(fields, flattenValidationErrors(error.children, path));
  }
  return fields;
}

/**
 * Nest's `ValidationPipe`, answering with a `VALIDATION_FAILED` exception
 * frame whose `fields` name each failed property. Accepts the same options.
 */
export class WsValidationPipe extends ValidationPipe {
  constructor(options: ValidationPipeOptions = {}) {
    super({
      ...options,
      exceptionFactory: (errors: ValidationError[]) => new WsValidationException(flattenValidationErrors(errors)),
    });
  }
}
