// The parameter decorators of @nestjs/websockets on Switchboard handlers:
// @MessageBody() is @Message(), @ConnectedSocket() is @Connection(), and
// Nest's @Ack() is Switchboard's @Ack().
import { ValidationPipe } from '@nestjs/common';
import { Ack, ConnectedSocket, MessageBody } from '@nestjs/websockets';
import { IsString, MinLength } from 'class-validator';
import { Gateway, On, SwitchboardModule, WsController, type AckFn, type WsConnection } from '../../src';
import { useApp } from '../support/test-app';

class NameDto {
  @IsString()
  @MinLength(2)
  name!: string;
}

@WsController()
class NestStyleController {
  @On('body')
  body(@MessageBody() body: unknown, @ConnectedSocket() client: WsConnection): unknown {
    return { body, client: client.id, route: client.route };
  }

  @On('field')
  field(@MessageBody('name') name: unknown): unknown {
    return name;
  }

  @On('validated')
  validated(@MessageBody(new ValidationPipe({ transform: true })) dto: NameDto): unknown {
    return { isDto: dto instanceof NameDto, name: dto.name };
  }

  @On('acked')
  acked(@Ack() ack: AckFn): string {
    ack('early');
    return 'late';
  }
}

@Gateway('/ws', { controllers: [NestStyleController] })
class NestStyleGateway {}

describe('@nestjs/websockets parameter decorators', () => {
  const fixture = useApp(() => ({ imports: [SwitchboardModule.forRoot()], providers: [NestStyleController, NestStyleGateway] }));

  it('@MessageBody() is the message and @ConnectedSocket() the WsConnection', async () => {
    const client = await fixture.connect();
    expect((await client.request('body', { text: 'hi' })).message).toEqual({ body: { text: 'hi' }, client: client.id, route: '/ws' });
  });

  it("@MessageBody('name') is one property of the message", async () => {
    const client = await fixture.connect();
    expect((await client.request('field', { name: 'Ann', age: 3 })).message).toBe('Ann');
  });

  it('@MessageBody(pipe) runs the pipe: ValidationPipe validates and transforms', async () => {
    const client = await fixture.connect();
    expect((await client.request('validated', { name: 'Ann' })).message).toEqual({ isDto: true, name: 'Ann' });
    expect((await client.request('validated', { name: 'A' })).message).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it("Nest's @Ack() replies to the frame at once, as Switchboard's does", async () => {
    const client = await fixture.connect();
    expect((await client.request('acked')).message).toBe('early');
  });
});
