import { Module, type DynamicModule } from '@nestjs/common';
import { SwitchboardModule, type SwitchboardOptions } from '../../src';
import { DoxChatController } from './controllers/dox-chat.controller';
import { PrivateController } from './controllers/private.controller';
import { RoomChatController } from './controllers/room-chat.controller';
import { DoxGateway } from './gateways/dox.gateway';
import { PrivateGateway } from './gateways/private.gateway';
import { RoomChatGateway } from './gateways/room-chat.gateway';
import { ChatPageController } from './http/chat-page.controller';
import { RealtimeApiController } from './http/realtime-api.controller';
import { TokenService } from './services/token.service';
import { UserRooms } from './services/user-rooms';

/**
 * Other sites whose pages may open the example's WebSockets: `ALLOWED_ORIGINS`,
 * comma-separated (`https://chat.example,https://admin.example`). Unset, only
 * the example's own page may (a browser page of any other site gets HTTP 403,
 * so a site a signed-in user visits cannot use their token).
 */
function allowedOriginsFromEnv(): string[] | undefined {
  const origins = process.env.ALLOWED_ORIGINS?.split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  return origins?.length ? origins : undefined;
}

/** The example chat app; `register()` takes the Switchboard options (e.g. another backplane). */
@Module({})
export class ChatAppModule {
  static register(options: SwitchboardOptions = {}): DynamicModule {
    const limits = { allowedOrigins: allowedOriginsFromEnv(), ...options.limits };
    return {
      module: ChatAppModule,
      imports: [SwitchboardModule.forRoot({ ...options, limits })],
      controllers: [RealtimeApiController, ChatPageController],
      providers: [
        TokenService,
        UserRooms,
        DoxChatController,
        RoomChatController,
        PrivateController,
        DoxGateway,
        RoomChatGateway,
        PrivateGateway,
      ],
    };
  }
}
