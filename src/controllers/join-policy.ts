import { Logger } from '@nestjs/common';
import { BootErrorCode, SwitchboardBootError } from '../protocol/switchboard-error';
import { stackOf } from '../errors/stack-of';
import { toExceptionBody } from '../errors/to-exception-body';
import type { CanJoinFn, JoinOptions, RoomAuthorizer } from '../options/join-options';
import { ErrorCode, type ExceptionBody } from '../protocol';
import type { BoundHandler, HandlerArgs } from './handler-context';

/** How one route decides a client `joinRoom`, built at boot. */
export interface JoinPolicy {
  /** False when the route answers every client `joinRoom` with `FORBIDDEN`. */
  readonly clientJoins: boolean;
  /**
   * Runs the join's guards, then its authorizers; resolves `undefined` when
   * the join may happen, else the body of the `exception` to answer.
   * Absent when nothing checks joins on the route.
   */
  readonly check?: (...args: HandlerArgs) => Promise<ExceptionBody | undefined>;
}

/** What the explorer knows of a route when it builds its join policy. */
export interface JoinPolicyInput {
  readonly gateway: object;
  readonly path: string;
  readonly options: JoinOptions | undefined;
  /** The guards of the route's controllers (see `HandlerFactory.createJoinGuard`). */
  readonly guard: BoundHandler | undefined;
  /** The singleton instance a module provides for a class, if any. */
  readonly provided: (type: abstract new (...args: never[]) => unknown) => object | undefined;
}

const logger = new Logger('Switchboard');

/** Builds a route's join policy; misconfigured `joins` options throw a boot error that says what to fix. */
export function createJoinPolicy({ gateway, path, options = {}, guard, provided }: JoinPolicyInput): JoinPolicy {
  const gatewayName = gateway.constructor.name;
  const { clientJoins = true, authorize } = options;
  if (typeof clientJoins !== 'boolean') {
    throw new SwitchboardBootError(BootErrorCode.INVALID_JOIN_OPTIONS, `joins.clientJoins of ${gatewayName} must be true or false`);
  }
  const own = (gateway as Partial<RoomAuthorizer>).canJoin;
  if (!clientJoins) {
    const unused = authorize !== undefined ? 'joins.authorize' : typeof own === 'function' ? 'canJoin method' : undefined;
    if (unused) {
      throw new SwitchboardBootError(
        BootErrorCode.INVALID_JOIN_OPTIONS,
        `${gatewayName} sets joins.clientJoins to false, so its ${unused} would never run; remove one of them`,
      );
    }
    return { clientJoins };
  }
  const authorizers: CanJoinFn[] = [];
  if (authorize !== undefined) authorizers.push(resolveAuthorizer(authorize, gatewayName, provided));
  if (typeof own === 'function') authorizers.push(own.bind(gateway));
  if (!guard && authorizers.length === 0) return { clientJoins };
  return {
    clientJoins,
    check: async (...args) => {
      const [connection, room] = args;
      try {
        if (guard) await guard(...args);
        for (const canJoin of authorizers) {
          if ((await canJoin(connection, room as string)) !== true) {
            return { status: 'error', code: ErrorCode.FORBIDDEN, message: `not allowed to join "${String(room)}"` };
          }
        }
        return undefined;
      } catch (error) {
        const { body, internal } = toExceptionBody(error);
        if (internal) logger.error(`authorizing joinRoom "${String(room)}" on ${path} failed`, stackOf(error));
        return body;
      }
    },
  };
}

/** A function as is; a class as the instance its module provides. */
function resolveAuthorizer(authorize: unknown, gatewayName: string, provided: JoinPolicyInput['provided']): CanJoinFn {
  const where = `joins.authorize of ${gatewayName}`;
  if (typeof authorize !== 'function') {
    throw new SwitchboardBootError(
      BootErrorCode.INVALID_JOIN_OPTIONS,
      `${where} must be a function (connection, room) => boolean or an injectable class implementing RoomAuthorizer`,
    );
  }
  if (!isClass(authorize)) return authorize as CanJoinFn;
  const instance = provided(authorize as abstract new (...args: never[]) => unknown) as Partial<RoomAuthorizer> | undefined;
  if (!instance) {
    throw new SwitchboardBootError(
      BootErrorCode.JOIN_AUTHORIZER_NOT_PROVIDED,
      `${authorize.name} is the ${where} but no module provides it; add it to the providers of the module that declares ${gatewayName}`,
    );
  }
  if (typeof instance.canJoin !== 'function') {
    throw new SwitchboardBootError(
      BootErrorCode.INVALID_JOIN_OPTIONS,
      `${authorize.name} is the ${where} but has no canJoin(connection, room) method; implement RoomAuthorizer`,
    );
  }
  return instance.canJoin.bind(instance);
}

/** Whether a function is a class (to be resolved through DI) rather than an authorizer function. */
function isClass(fn: { readonly prototype?: unknown }): boolean {
  return (
    /^class\b/.test(Function.prototype.toString.call(fn)) ||
    typeof (fn.prototype as Partial<RoomAuthorizer> | undefined)?.canJoin === 'function'
  );
}
