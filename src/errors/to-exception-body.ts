import { HttpException, HttpStatus } from '@nestjs/common';
import { WsException } from '@nestjs/websockets';
import { ErrorCode, type ExceptionBody } from '../protocol';
import { WsValidationException } from './ws-validation.exception';

const STATUS_CODES: Partial<Record<number, ErrorCode>> = {
  [HttpStatus.BAD_REQUEST]: ErrorCode.VALIDATION_FAILED,
  [HttpStatus.UNAUTHORIZED]: ErrorCode.UNAUTHORIZED,
  [HttpStatus.FORBIDDEN]: ErrorCode.FORBIDDEN,
  [HttpStatus.NOT_FOUND]: ErrorCode.NOT_FOUND,
  [HttpStatus.TOO_MANY_REQUESTS]: ErrorCode.RATE_LIMITED,
};

/** The result of mapping a thrown value: the body to send, and whether it is unexpected (to be logged). */
export interface MappedException {
  readonly body: ExceptionBody;
  readonly internal: boolean;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/**
 * Turns whatever a handler threw into the body of an `exception` frame.
 * `WsException` and Nest HTTP exceptions are intended for the client and keep
 * their message; anything else becomes `INTERNAL` with no detail.
 */
export function toExceptionBody(error: unknown): MappedException {
  if (error instanceof WsValidationException) {
    return {
      body: { status: 'error', code: ErrorCode.VALIDATION_FAILED, message: 'Validation failed', fields: error.fields },
      internal: false,
    };
  }
  if (error instanceof WsException) {
    const payload = error.getError();
    if (isRecord(payload)) {
      const code = typeof payload.code === 'string' ? payload.code : ErrorCode.ERROR;
      const message = typeof payload.message === 'string' ? payload.message : error.message;
      return { body: { status: 'error', code, message }, internal: false };
    }
    return { body: { status: 'error', code: ErrorCode.ERROR, message: String(payload) }, internal: false };
  }
  if (error instanceof HttpException) {
    const status = error.getStatus();
    const response = error.getResponse();
    const detail = isRecord(response) ? response.message : response;
    if (status === HttpStatus.BAD_REQUEST && Array.isArray(detail)) {
      // Nest's plain ValidationPipe: messages only, one per failed constraint.
      const messages = detail.map(String);
      return {
        body: { status: 'error', code: ErrorCode.VALIDATION_FAILED, message: messages.join('; '), fields: { '': messages } },
        internal: false,
      };
    }
    const code = STATUS_CODES[status] ?? (status >= 500 ? ErrorCode.INTERNAL : ErrorCode.ERROR);
    const message = typeof detail === 'string' ? detail : error.message;
    return { body: { status: 'error', code, message: status >= 500 ? 'Internal server error' : message }, internal: status >= 500 };
  }
  return { body: { status: 'error', code: ErrorCode.INTERNAL, message: 'Internal server error' }, internal: true };
}
