import { BadRequestException, ForbiddenException } from '@nestjs/common';
import {
  Gateway,
  RealtimeService,
  checkRoomName,
  type DisconnectInfo,
  type HandshakeContext,
  type OnBeforeConnect,
  type OnConnect,
  type OnDisconnect,
  type WsConnection,
} from '../../../src';
import { RoomChatController } from '../controllers/room-chat.controller';
import { UserRooms, isUserRoom } from '../services/user-rooms';

const MAX_ROOM_NAME = 64;

/**
 * `ws://host/ws/chat/:roomId?name=Ann`, in the style of the Arcade guide: a
 * connection joins the room in its path, gets `room_joined` with the members,
 * and the others get `user_joined`; `user_left` when it goes.
 *
 * The rooms keep history (1,000 messages, 5 minutes). A client that adds
 * `&join=client` joins the room itself with `joinRoom`, so that after a
 * reconnect it can rejoin `since` the last message it saw and get what it
 * missed: the chat page does. A join the server made on connect would
 * deliver new messages before the client could say where it stood.
 */
@Gateway('/ws/chat/:roomId', {
  controllers: [RoomChatController],
  joins: { authorize: UserRooms },
  history: { rooms: (room) => !isUserRoom(room), size: 1000, ttl: 300_000 },
})
export class RoomChatGateway implements OnBeforeConnect, OnConnect, OnDisconnect {
  constructor(private readonly realtime: RealtimeService) {}

  /**
   * The room comes from the URL: one that could not be joined is refused with
   * HTTP 400 before any connection exists, and a user's private room with 403
   * (the server joins it in `onConnect`, past the route's room authorizer).
   */
  beforeConnect(ctx: HandshakeContext): void {
    const invalid = checkRoomName(ctx.params.roomId, MAX_ROOM_NAME);
    if (invalid !== undefined) throw new BadRequestException(invalid);
    if (isUserRoom(ctx.params.roomId)) throw new ForbiddenException('user:* rooms are private');
  }

  async onConnect(connection: WsConnection): Promise<void> {
    const roomId = connection.params.roomId;
    const name = (connection.query.name ?? '').trim().slice(0, 40) || `guest-${connection.id.slice(-4)}`;
    await this.realtime.updateConnectionMetadata(connection.id, { name });
    const joinsItself = connection.query.join === 'client';
    if (!joinsItself) await this.realtime.joinRoom(connection.id, roomId);
    const members = await this.members(roomId);
    // It joins right after this, with its own joinRoom: it is a member already as far as the others are told.
    if (joinsItself && !members.some((m) => m.id === connection.id)) members.push({ id: connection.id, name });
    connection.emit('room_joined', { roomId, members, memberCount: members.length });
    await this.realtime.emitToRoom(
      roomId,
      'user_joined',
      { id: connection.id, name, memberCount: members.length },
      { except: connection.id },
    );
  }

  async onDisconnect(info: DisconnectInfo, connection: WsConnection): Promise<void> {
    const roomId = connection.params.roomId;
    const members = await this.realtime.getRoomMembers(roomId);
    await this.realtime.emitToRoom(roomId, 'user_left', { id: info.id, name: info.metadata.name, memberCount: members.length });
  }

  /** Ids and names of the room's members, wherever they are connected. */
  private async members(roomId: string): Promise<{ id: string; name: unknown }[]> {
    const ids = await this.realtime.getRoomMembers(roomId);
    const infos = await Promise.all(ids.map((id) => this.realtime.getConnectionInfo(id)));
    return infos.flatMap((info) => (info ? [{ id: info.id, name: info.metadata.name }] : []));
  }
}
