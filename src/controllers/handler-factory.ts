import { Injectable } from '@nestjs/common';
import { GUARDS_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { ExternalContextCreator, ModuleRef } from '@nestjs/core';
import { ExceptionFilterChain, wsArgumentsHost } from './exception-filter-chain';
import { HANDLED_BY_FILTER, type BoundHandler } from './handler-context';
import { createHandshakeGuard, type HandshakeGuard } from './handshake-guard';
import { withWsContexts } from './ws-execution-context';
import { WsParamsFactory } from './ws-params-factory';

/** The name a join's guards are created under: no real method has it (Nest caches handler metadata per instance and name). */
const JOIN_METHOD = '\u0000joinRoom';
/** The handler a join's guards see as `context.getHandler()`: it carries no metadata of its own. */
const joinRoom = (): undefined => undefined;

/**
 * Wraps controller methods with Nest's guards, pipes and interceptors,
 * through the same public context creator Nest's own transports build on,
 * and with their exception filters as Nest gateways apply them.
 */
@Injectable()
export class HandlerFactory {
  private readonly paramsFactory = new WsParamsFactory();

  /** Nest's context creator, whose guards and interceptors get a `WsExecutionContext`. */
  private readonly contextCreator: ExternalContextCreator;

  constructor(
    contextCreator: ExternalContextCreator,
    private readonly moduleRef: ModuleRef,
  ) {
    this.contextCreator = withWsContexts(contextCreator);
  }

  /** A controller method as a handler of frames. */
  createHandler(instance: object, methodName: string): BoundHandler {
    const callback = (instance as Record<string, (...args: unknown[]) => unknown>)[methodName];
    const filters = ExceptionFilterChain.resolve(instance, callback, this.moduleRef);
    // Nest's own filter layer here would log every error and treat a filter that returns nothing as not handling it.
    const run = this.contextCreator.create(
      instance as Record<string, unknown>,
      callback,
      methodName,
      ROUTE_ARGS_METADATA,
      this.paramsFactory,
      undefined,
      undefined,
      { guards: true, interceptors: true, filters: false },
      'ws',
    ) as BoundHandler;
    if (filters.size === 0) return run;
    return async (...args) => {
      try {
        return await run(...args);
      } catch (error) {
        const filter = filters.select(error);
        if (!filter) throw error;
        await filter.catch(error, wsArgumentsHost(args));
        return HANDLED_BY_FILTER;
      }
    };
  }

  /**
   * The guards a client `joinRoom` passes on a route whose controllers are
   * `controllers`: the global guards and each controller's class-level
   * guards, run as for a handler of that controller with no decorators of
   * its own (`ws` context; `getData()` is the room, `getPattern()` is
   * `'joinRoom'`). Controllers without class-level guards are skipped, but
   * the first one stands in when none has any, so global guards always run.
   * Resolves when every guard passes; rejects with what a guard threw
   * (`ForbiddenException` for one that returned false). Undefined for a route
   * without controllers.
   */
  createJoinGuard(controllers: readonly object[]): BoundHandler | undefined {
    const guarded = controllers.filter((c) => (Reflect.getMetadata(GUARDS_METADATA, c.constructor) ?? []).length > 0);
    const hosts = guarded.length > 0 ? guarded : controllers.slice(0, 1);
    if (hosts.length === 0) return undefined;
    const checks = hosts.map((host) =>
      this.contextCreator.create(
        host as Record<string, unknown>,
        joinRoom,
        JOIN_METHOD,
        undefined,
        undefined,
        undefined,
        undefined,
        { guards: true, interceptors: false, filters: false },
        'ws',
      ),
    );
    if (checks.length === 1) return checks[0] as BoundHandler;
    return async (...args) => {
      for (const check of checks) await check(...args);
    };
  }

  /**
   * The guards a gateway declares for its upgrade request (on its class and
   * its `beforeConnect` method), run as an HTTP context; global guards are
   * not among them (see `createHandshakeGuard`).
   */
  createHandshakeGuard(gateway: object): HandshakeGuard {
    return createHandshakeGuard(gateway, this.moduleRef);
  }
}
