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

/** The example chat app; `register()` takes the Switchboard options (e.g. another backplane). */
@Module({})
export class ChatAppModule {
  static register(options: SwitchboardOptions = {}): DynamicModule {
    return {
      module: ChatAppModule,
      imports: [SwitchboardModule.forRoot(options)],
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
