import { Inject, Injectable, type Type } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { CONTROLLER_METADATA, GATEWAY_METADATA, HANDLERS_METADATA, BINARY_EVENT } from '../decorators/metadata-keys';
import type { GatewayMetadata } from '../decorators/gateway.decorator';
import type { HandlerMetadata } from '../decorators/on.decorator';
import { BootErrorCode, SwitchboardBootError } from '../protocol/switchboard-error';
import type { BeforeConnectHook, ConnectHook, DisconnectHook, ErrorHook, GatewayHooks } from '../options/gateway-hooks';
import { compileRoute, type RouteMatcher } from './route-matcher';
import { BuiltInEvent } from '../protocol';
import { resolveLimits, type ConnectionLimits } from '../options/connection-limits';
import { SWITCHBOARD_OPTIONS, type SwitchboardOptions } from '../options/switchboard-options';
import { resolveHistory, type HistoryRule } from '../options/history-options';
import type { BoundHandler } from './handler-context';
import { HandlerFactory } from './handler-factory';
import { createJoinPolicy, type JoinPolicy } from './join-policy';

/** Everything the server needs to serve one gateway route. */
export interface GatewayRoute {
  readonly matcher: RouteMatcher;
  readonly gatewayName: string;
  readonly limits: ConnectionLimits;
  readonly subprotocols: readonly string[];
  /** Whether a client must offer one of `subprotocols`. */
  readonly requireSubprotocol: boolean;
  /** Guards on the gateway class, run on the upgrade request. */
  readonly guard: (request: import('node:http').IncomingMessage) => Promise<unknown>;
  readonly beforeConnect: readonly BeforeConnectHook[];
  readonly onConnect: readonly ConnectHook[];
  readonly onDisconnect: readonly DisconnectHook[];
  readonly onError: readonly ErrorHook[];
  /** Event name → handler; a Map so `__proto__` and friends are just unknown events. */
  readonly handlers: ReadonlyMap<string, BoundHandler>;
  /** Whether and how client `joinRoom` frames are checked. */
  readonly joins: JoinPolicy;
  /** The rooms this gateway says keep history, if any. */
  readonly history?: HistoryRule;
}

const RESERVED = new Set<string>([BuiltInEvent.CONNECTED, BuiltInEvent.EXCEPTION, BuiltInEvent.JOIN_ROOM, BuiltInEvent.LEAVE_ROOM]);

/**
 * Reads what the decorators wrote, once, at boot: finds every `@Gateway()`
 * provider, resolves its controllers and wraps their handlers. Mistakes are
 * thrown here, with a code and what to fix, never on the data path.
 */
@Injectable()
export class GatewayExplorer {
  constructor(
    private readonly discovery: DiscoveryService,
    private readonly handlerFactory: HandlerFactory,
    @Inject(SWITCHBOARD_OPTIONS) private readonly options: SwitchboardOptions,
  ) {}

  explore(): GatewayRoute[] {
    const instances = new Map<unknown, object>();
    const gateways: { instance: object; metadata: GatewayMetadata }[] = [];
    for (const wrapper of this.discovery.getProviders()) {
      const { metatype, instance } = wrapper;
      if (!metatype || typeof metatype !== 'function') continue;
      const metadata: GatewayMetadata | undefined = Reflect.getMetadata(GATEWAY_METADATA, metatype);
      const isController = Reflect.getMetadata(CONTROLLER_METADATA, metatype) === true;
      if (!metadata && !isController) continue;
      if (!wrapper.isDependencyTreeStatic() || !instance) {
        throw new SwitchboardBootError(
          BootErrorCode.SCOPED_PROVIDER,
          `${metatype.name} must be a singleton provider; remove the request or transient scope from it and from what it injects`,
        );
      }
      instances.set(metatype, instance as object);
      if (metadata) gateways.push({ instance: instance as object, metadata });
    }
    const routes = gateways.map(({ instance, metadata }) => this.buildRoute(instance, metadata, instances));
    const seen = new Set<string>();
    for (const route of routes) {
      if (seen.has(route.matcher.pattern)) {
        throw new SwitchboardBootError(
          BootErrorCode.DUPLICATE_ROUTE,
          `two gateways serve "${route.matcher.pattern}"; give each gateway its own path`,
        );
      }
      seen.add(route.matcher.pattern);
    }
    // Static segments beat parameters: `/ws/chat/lobby` before `/ws/chat/:roomId`.
    return routes.sort((a, b) => a.matcher.paramCount - b.matcher.paramCount);
  }

  private buildRoute(gateway: object, metadata: GatewayMetadata, instances: Map<unknown, object>): GatewayRoute {
    const gatewayName = gateway.constructor.name;
    const handlers = new Map<string, BoundHandler>();
    const owners = new Map<string, string>();
    const controllers = new Set<object>();
    for (const controller of metadata.controllers ?? []) {
      const instance = this.resolveController(controller, gatewayName, instances);
      controllers.add(instance);
      const list: readonly HandlerMetadata[] = Reflect.getMetadata(HANDLERS_METADATA, controller) ?? [];
      for (const { event, methodName } of list) {
        const where = `${controller.name}.${String(methodName)}`;
        if (RESERVED.has(event)) {
          throw new SwitchboardBootError(
            BootErrorCode.RESERVED_EVENT,
            `${where} handles "${event}", which the protocol reserves; pick another event name`,
          );
        }
        const previous = owners.get(event);
        if (previous) {
          throw new SwitchboardBootError(
            BootErrorCode.DUPLICATE_EVENT,
            `${where} and ${previous} both handle "${event === BINARY_EVENT ? 'binary frames' : event}" on ${metadata.path}; keep one`,
          );
        }
        owners.set(event, where);
        handlers.set(event, this.handlerFactory.createHandler(instance, String(methodName)));
      }
    }
    const hooks = [this.options.hooks, metadata.hooks, this.methodHooks(gateway)].filter((h): h is GatewayHooks => !!h);
    return {
      matcher: compileRoute(metadata.path),
      gatewayName,
      limits: resolveLimits(metadata.path, this.options.limits, metadata.limits),
      subprotocols: metadata.subprotocols ?? [],
      requireSubprotocol: metadata.requireSubprotocol ?? false,
      guard: this.handlerFactory.createHandshakeGuard(gateway),
      beforeConnect: hooks.flatMap((h) => (h.beforeConnect ? [h.beforeConnect] : [])),
      onConnect: hooks.flatMap((h) => (h.onConnect ? [h.onConnect] : [])),
      onDisconnect: hooks.flatMap((h) => (h.onDisconnect ? [h.onDisconnect] : [])),
      onError: hooks.flatMap((h) => (h.onError ? [h.onError] : [])),
      handlers,
      joins: createJoinPolicy({
        gateway,
        path: metadata.path,
        options: metadata.joins,
        guard: this.handlerFactory.createJoinGuard([...controllers]),
        provided: (type) => this.provided(type),
      }),
      history: resolveHistory(metadata.path, metadata.history),
    };
  }

  /** The instance of a class provider, for options that name a class (e.g. `joins.authorize`). */
  private provided(type: abstract new (...args: never[]) => unknown): object | undefined {
    const wrapper = this.discovery.getProviders().find((w) => w.metatype === type && !w.inject);
    if (!wrapper) return undefined;
    if (!wrapper.isDependencyTreeStatic() || !wrapper.instance) {
      throw new SwitchboardBootError(
        BootErrorCode.SCOPED_PROVIDER,
        `${type.name} must be a singleton provider; remove the request or transient scope from it and from what it injects`,
      );
    }
    return wrapper.instance as object;
  }

  private resolveController(controller: Type<unknown>, gatewayName: string, instances: Map<unknown, object>): object {
    if (Reflect.getMetadata(CONTROLLER_METADATA, controller) !== true) {
      throw new SwitchboardBootError(
        BootErrorCode.CONTROLLER_NOT_DECORATED,
        `${controller.name} is listed in the controllers of ${gatewayName} but is not decorated with @WsController()`,
      );
    }
    const instance = instances.get(controller);
    if (!instance) {
      throw new SwitchboardBootError(
        BootErrorCode.CONTROLLER_NOT_PROVIDED,
        `${controller.name} is listed in the controllers of ${gatewayName} but no module provides it; add it to the providers of the module that declares ${gatewayName}`,
      );
    }
    return instance;
  }

  /** The gateway class's own `beforeConnect` / `onConnect` / `onDisconnect` / `onError` methods, bound to it. */
  private methodHooks(gateway: object): GatewayHooks {
    const g = gateway as Partial<Record<keyof GatewayHooks, (...args: never[]) => unknown>>;
    return {
      beforeConnect: typeof g.beforeConnect === 'function' ? (g.beforeConnect.bind(gateway) as BeforeConnectHook) : undefined,
      onConnect: typeof g.onConnect === 'function' ? (g.onConnect.bind(gateway) as ConnectHook) : undefined,
      onDisconnect: typeof g.onDisconnect === 'function' ? (g.onDisconnect.bind(gateway) as DisconnectHook) : undefined,
      onError: typeof g.onError === 'function' ? (g.onError.bind(gateway) as ErrorHook) : undefined,
    };
  }
}
