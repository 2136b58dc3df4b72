import { Injectable } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { ExternalContextCreator } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import type { BoundHandler } from './handler-context';
import { WsParamsFactory } from './ws-params-factory';

const HANDSHAKE_METHOD = 'beforeConnect';

/**
 * Wraps controller methods with Nest's guards, pipes, interceptors and
 * exception filters, through the same public context creator Nest's own
 * transports build on.
 */
@Injectable()
export class HandlerFactory {
  private readonly paramsFactory = new WsParamsFactory();

  constructor(private readonly contextCreator: ExternalContextCreator) {}

  /** A controller method as a handler of frames. */
  createHandler(instance: object, methodName: string): BoundHandler {
    const callback = (instance as Record<string, (...args: unknown[]) => unknown>)[methodName];
    return this.contextCreator.create(
      instance as Record<string, unknown>,
      callback,
      methodName,
      ROUTE_ARGS_METADATA,
      this.paramsFactory,
      undefined,
      undefined,
      { guards: true, interceptors: true, filters: true },
      'ws',
    ) as BoundHandler;
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
