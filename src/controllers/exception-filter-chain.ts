import type { ArgumentsHost, ExceptionFilter, Type } from '@nestjs/common';
import { EXCEPTION_FILTERS_METADATA, FILTER_CATCH_EXCEPTIONS } from '@nestjs/common/constants';
import type { ModuleRef } from '@nestjs/core';
import { RuntimeErrorCode } from '../protocol/runtime-error-codes';
import { BootErrorCode, SwitchboardBootError, SwitchboardError } from '../protocol/switchboard-error';
import type { HandlerArgs } from './handler-context';
import { replyingClient } from './replying-client';

/** A filter instance and the exception types its `@Catch()` names (none: every exception). */
interface BoundFilter {
  readonly filter: ExceptionFilter;
  readonly catches: readonly Type<unknown>[];
}

/**
 * The `@UseFilters()` of one handler, resolved once at boot, with the
 * semantics of Nest's WebSocket gateways: method filters before class
 * filters, the first whose `@Catch()` matches takes the exception over and
 * decides alone what the client gets (its return value does not matter).
 * Global filters do not apply, as in Nest gateways.
 */
export class ExceptionFilterChain {
  private constructor(private readonly filters: readonly BoundFilter[]) {}

  /** The filters of `instance[methodName]` and of its class; throws at boot when one cannot be resolved. */
  static resolve(instance: object, callback: object, moduleRef: ModuleRef): ExceptionFilterChain {
    const declared = [...metadataOf(instance.constructor), ...metadataOf(callback)].reverse();
    return new ExceptionFilterChain(declared.map((entry) => bind(entry, moduleRef, instance)));
  }

  get size(): number {
    return this.filters.length;
  }

  /** The filter that takes `error` over, if any. */
  select(error: unknown): ExceptionFilter | undefined {
    return this.filters.find(({ catches }) => catches.length === 0 || catches.some((type) => error instanceof type))?.filter;
  }
}

/**
 * What `host.switchToWs()` gives a filter: the connection, the message, the
 * event name. When the frame carries an `id`, the first frame the filter
 * emits to the client carries it too (see `replyingClient`), so the client's
 * request settles with the filter's answer.
 */
export function wsArgumentsHost(args: HandlerArgs): ArgumentsHost {
  const [connection, message, { frame }, event] = args;
  let client: unknown;
  const getClient = () => (client ??= replyingClient(connection, frame.kind === 'event' ? frame.id : undefined));
  const ws = { getClient, getData: () => message, getPattern: () => event };
  const unsupported = (kind: string) => () => {
    throw new SwitchboardError(
      RuntimeErrorCode.WRONG_CONTEXT,
      `a Switchboard handler runs in a "ws" context, not "${kind}"; use host.switchToWs()`,
    );
  };
  return {
    getArgs: () => args as never,
    getArgByIndex: (index: number) => args[index] as never,
    getType: () => 'ws' as never,
    switchToWs: () => ws as never,
    switchToHttp: unsupported('http') as never,
    switchToRpc: unsupported('rpc') as never,
  };
}

function metadataOf(target: object): unknown[] {
  const value: unknown = Reflect.getMetadata(EXCEPTION_FILTERS_METADATA, target);
  return Array.isArray(value) ? value : [];
}

function bind(entry: unknown, moduleRef: ModuleRef, instance: object): BoundFilter {
  const filter = typeof entry === 'function' ? instanceOf(entry as Type<ExceptionFilter>, moduleRef, instance) : entry;
  if (typeof (filter as Partial<ExceptionFilter> | null)?.catch !== 'function') {
    throw new SwitchboardBootError(
      BootErrorCode.INVALID_FILTER,
      `${instance.constructor.name}: @UseFilters() was given something that is not an exception filter; pass a class or an instance with a catch() method`,
    );
  }
  const catches: unknown = Reflect.getMetadata(FILTER_CATCH_EXCEPTIONS, (filter as object).constructor);
  return { filter: filter as ExceptionFilter, catches: Array.isArray(catches) ? (catches as Type<unknown>[]) : [] };
}

/** Nest registers `@UseFilters(FilterClass)` as an injectable of the module, so it is found there, dependencies resolved. */
function instanceOf(type: Type<ExceptionFilter>, moduleRef: ModuleRef, instance: object): ExceptionFilter {
  try {
    return moduleRef.get(type, { strict: false });
  } catch {
    throw new SwitchboardBootError(
      BootErrorCode.INVALID_FILTER,
      // Nest finds every @UseFilters() class (it registers them), so what fails here is a scoped one: get() refuses those.
      `${instance.constructor.name}: the exception filter ${type.name} could not be resolved as a singleton; remove its request or transient scope (and that of what it injects), or pass an instance to @UseFilters()`,
    );
  }
}
