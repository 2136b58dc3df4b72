import type { ModuleMetadata, Provider, Type } from '@nestjs/common';
import type { Backplane } from '../backplanes/backplane';
import type { GatewayHooks } from './gateway-hooks';
import type { ConnectionLimits } from './connection-limits';

/** Options of `SwitchboardModule.forRoot()`. */
export interface SwitchboardOptions {
  /**
   * Carries emits, rooms and the connection registry between processes.
   * Default: a `MemoryBackplane` (one process).
   */
  readonly backplane?: Backplane;
  /** Limits for every route; a gateway's own `limits` override them. */
  readonly limits?: Partial<ConnectionLimits>;
  /** Hooks run for every route, before the gateway's own. */
  readonly hooks?: GatewayHooks;
  /** How long shutdown waits for clients to close before terminating them, in ms. Default 2 000. */
  readonly closeTimeout?: number;
  /**
   * How long a client may take, from connecting, to send its whole handshake
   * request, in ms; then the socket is closed. Lowers the HTTP server's
   * `headersTimeout` (never raises it), so it applies to plain HTTP requests
   * too. Default 10 000.
   */
  readonly handshakeTimeout?: number;
}

/** Options of `SwitchboardModule.forRootAsync()`. */
export interface SwitchboardAsyncOptions extends Pick<ModuleMetadata, 'imports'> {
  readonly useFactory: (...args: never[]) => SwitchboardOptions | Promise<SwitchboardOptions>;
  readonly inject?: (Type<unknown> | string | symbol)[];
  readonly extraProviders?: Provider[];
}

/** Injection token of the resolved `SwitchboardOptions`. */
export const SWITCHBOARD_OPTIONS = Symbol('SWITCHBOARD_OPTIONS');
