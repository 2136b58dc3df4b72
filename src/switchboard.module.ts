import { Module, type DynamicModule, type Provider } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Backplane } from './backplanes/backplane';
import { MemoryBackplane } from './backplanes/memory.backplane';
import { GatewayExplorer } from './controllers/gateway-explorer';
import { HandlerFactory } from './controllers/handler-factory';
import { MessageDispatcher } from './gateways/message-dispatcher';
import { ConnectionLifecycle } from './gateways/connection-lifecycle';
import { SwitchboardServer } from './gateways/switchboard-server';
import { Fanout } from './services/fanout';
import { HistoryRooms } from './services/history-rooms';
import { RoomFeeds } from './services/room-feeds';
import { RoomRecovery } from './services/room-recovery';
import { SharedHistoryReads } from './services/shared-history-reads';
import { LocalHub } from './services/local-hub';
import { NodeInbox } from './services/node-inbox';
import { Membership } from './services/membership';
import { RealtimeService } from './services/realtime.service';
import { RouteRoomLimits } from './services/route-room-limits';
import { SWITCHBOARD_OPTIONS, type SwitchboardAsyncOptions, type SwitchboardOptions } from './options/switchboard-options';

const backplaneProvider: Provider = {
  provide: Backplane,
  useFactory: (options: SwitchboardOptions) => options.backplane ?? new MemoryBackplane(),
  inject: [SWITCHBOARD_OPTIONS],
};

const providers: Provider[] = [
  backplaneProvider,
  LocalHub,
  Fanout,
  Membership,
  RouteRoomLimits,
  HistoryRooms,
  RoomFeeds,
  RoomRecovery,
  SharedHistoryReads,
  RealtimeService,
  HandlerFactory,
  GatewayExplorer,
  MessageDispatcher,
  ConnectionLifecycle,
  NodeInbox,
  SwitchboardServer,
];

/**
 * Serves every `@Gateway()` of the application. Import it once, in the root
 * module; `RealtimeService` is then injectable everywhere.
 */
@Module({})
export class SwitchboardModule {
  static forRoot(options: SwitchboardOptions = {}): DynamicModule {
    return {
      module: SwitchboardModule,
      global: true,
      imports: [DiscoveryModule],
      providers: [{ provide: SWITCHBOARD_OPTIONS, useValue: options }, ...providers],
      exports: [RealtimeService, Backplane],
    };
  }

  /** Like `forRoot()`, with options from a factory that may inject other providers (e.g. `ConfigService`). */
  static forRootAsync(options: SwitchboardAsyncOptions): DynamicModule {
    return {
      module: SwitchboardModule,
      global: true,
      imports: [DiscoveryModule, ...(options.imports ?? [])],
      providers: [
        { provide: SWITCHBOARD_OPTIONS, useFactory: options.useFactory, inject: options.inject ?? [] },
        ...(options.extraProviders ?? []),
        ...providers,
      ],
      exports: [RealtimeService, Backplane],
    };
  }
}
