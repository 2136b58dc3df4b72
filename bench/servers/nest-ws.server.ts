// NestJS with @nestjs/platform-ws, written the way its users write rooms
// today: the gateway keeps its own room map and sends in a loop (the frame
// serialised once, then `client.send()` per member).
// Messages: {event:'join', data: room} answers {event:'joined', data: pid};
// {event:'pub', data:{room, payload}} sends {event:'m', data: payload} to the
// room's members but the sender.
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { WsAdapter } from '@nestjs/platform-ws';
import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway, type OnGatewayDisconnect } from '@nestjs/websockets';
import { WebSocket } from 'ws';
import { BENCH_HOST, announceReady, benchPort, collectGarbageOnSignal, exitOnTerm } from './server-support';

interface Publish {
  readonly room: string;
  readonly payload: unknown;
}

@WebSocketGateway({ path: '/ws' })
class RoomGateway implements OnGatewayDisconnect {
  private readonly rooms = new Map<string, Set<WebSocket>>();
  private readonly joined = new WeakMap<WebSocket, Set<string>>();

  @SubscribeMessage('join')
  join(@ConnectedSocket() client: WebSocket, @MessageBody() room: string) {
    let members = this.rooms.get(room);
    if (!members) this.rooms.set(room, (members = new Set()));
    members.add(client);
    let rooms = this.joined.get(client);
    if (!rooms) this.joined.set(client, (rooms = new Set()));
    rooms.add(room);
    return { event: 'joined', data: process.pid };
  }

  @SubscribeMessage('pub')
  pub(@ConnectedSocket() client: WebSocket, @MessageBody() message: Publish) {
    const members = this.rooms.get(message.room);
    if (!members) return;
    const frame = JSON.stringify({ event: 'm', data: message.payload });
    for (const member of members) {
      if (member !== client && member.readyState === WebSocket.OPEN) member.send(frame);
    }
  }

  handleDisconnect(client: WebSocket) {
    for (const room of this.joined.get(client) ?? []) this.rooms.get(room)?.delete(client);
  }
}

@Module({ providers: [RoomGateway] })
class NestWsBenchModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(NestWsBenchModule, { logger: ['error', 'warn'] });
  app.useWebSocketAdapter(new WsAdapter(app));
  collectGarbageOnSignal();
  exitOnTerm();
  await app.listen(benchPort(), BENCH_HOST);
  announceReady();
}

void main();
