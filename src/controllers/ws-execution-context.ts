import { Logger, type Type } from '@nestjs/common';
import type { Controller, HttpArgumentsHost } from '@nestjs/common/interfaces';
import type { ExternalContextCreator } from '@nestjs/core';
import { GuardsConsumer } from '@nestjs/core/guards/guards-consumer';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { InterceptorsConsumer } from '@nestjs/core/interceptors/interceptors-consumer';
import { HEADERLESS_RESPONSE, NO_NEXT } from './headerless-response';

/**
 * The `ExecutionContext` guards and interceptors (global ones included) get
 * for a frame: Nest's own, `getType()` `'ws'`, `switchToWs()` giving the
 * connection, the message and the event, except for `switchToHttp()`. Nest
 * would hand a guard that reads the frame as HTTP the message as its
 * response; here `getRequest()` is the connection (its `headers`, `query`,
 * `params` and `ip` are those of the upgrade request) and `getResponse()` a
 * response that drops the headers set on it. So `ThrottlerGuard`, and guards
 * shared with HTTP controllers, work on messages unchanged.
 */
export class WsExecutionContext extends ExecutionContextHost {
  override switchToHttp(): HttpArgumentsHost {
    if (this.getType() !== 'ws') return super.switchToHttp();
    const http: HttpArgumentsHost = {
      getRequest: <T>() => this.getArgByIndex<T>(0),
      getResponse: <T>() => HEADERLESS_RESPONSE as T,
      getNext: <T>() => NO_NEXT as T,
    };
    // Nest's own switchTo*() add their getters to the context itself; so does this.
    return Object.assign(this, http);
  }
}

type Callback = (...args: unknown[]) => unknown;

class WsGuardsConsumer extends GuardsConsumer {
  override createContext(args: unknown[], instance: Controller, callback: Callback): ExecutionContextHost {
    return new WsExecutionContext(args, instance.constructor as Type, callback);
  }
}

class WsInterceptorsConsumer extends InterceptorsConsumer {
  override createContext(args: unknown[], instance: Controller, callback: Callback): ExecutionContextHost {
    return new WsExecutionContext(args, instance.constructor as Type, callback);
  }
}

/**
 * A view of Nest's context creator whose guards and interceptors get a
 * `WsExecutionContext`. Nest has no option for the context class, so the
 * view replaces the creator's two consumers (the rest is Nest's, shared);
 * the creator Nest's own transports use is left untouched. Should a Nest
 * version no longer have those consumers, the creator is used as it is and a
 * warning says what differs.
 */
export function withWsContexts(creator: ExternalContextCreator): ExternalContextCreator {
  const parts = creator as unknown as Record<string, unknown>;
  if (!(parts.guardsConsumer instanceof GuardsConsumer) || !(parts.interceptorsConsumer instanceof InterceptorsConsumer)) {
    new Logger('Switchboard').warn(
      "this Nest version's context creator could not be given Switchboard's ws context: in guards and interceptors, switchToHttp().getResponse() is the message",
    );
    return creator;
  }
  return Object.create(creator, {
    guardsConsumer: { value: new WsGuardsConsumer() },
    interceptorsConsumer: { value: new WsInterceptorsConsumer() },
  }) as ExternalContextCreator;
}
