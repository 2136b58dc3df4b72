import { Injectable } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { ExternalContextCreator, ModuleRef } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import { ExceptionFilterChain, wsArgumentsHost } from './exception-filter-chain';
import { HANDLED_BY_FILTER, type BoundHandler } from './handler-context';
import { WsParamsFactory } from './ws-params-factory';

const HANDSHAKE_METHOD = 'beforeConnect';

/**
 * Wraps controller methods with Nest's guards, pipes and interceptors,
 * through the same public context creator Nest's own transports build on,
 * and with their exception filters as Nest gateways apply them.
 */
@Injectable()
export class HandlerFactory {
  private readonly paramsFactory = new WsParamsFactory();

  constructor(
    private readonly contextCreator: ExternalContextCreator,
    private readonly moduleRef: ModuleRef,
  ) {}

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
   * The guards put on a gateway class (and on its `beforeConnect` method), run
   * on the upgrade request as an HTTP context: `switchToHttp().getRequest()`
   * is the request, so guards shared with HTTP controllers work unchanged.
   * Resolves when every guard passes; rejects with what the guard threw
   * (a guard returning false throws `ForbiddenException`).
   */
  createHandshakeGuard(gateway: object): (request: IncomingMessage) => Promise<unknown> {
    // The context creator calls its callback once the guards pass; a no-op
    // that carries the metadata of the gateway's own `beforeConnect` (if any)
    // lets method-level guards apply without running the hook here.
    const check = (): undefined => undefined;
    const own = (gateway as Record<string, unknown>)[HANDSHAKE_METHOD];
    if (typeof own === 'function') {
      for (const key of Reflect.getMetadataKeys(own)) Reflect.defineMetadata(key, Reflect.getMetadata(key, own), check);
    }
    const guarded = this.contextCreator.create(
      gateway as Record<string, unknown>,
      check,
      HANDSHAKE_METHOD,
      undefined,
      undefined,
      undefined,
      undefined,
      { guards: true, interceptors: false, filters: false },
      'http',
    );
    return (request) => guarded(request, undefined);
  }
}
