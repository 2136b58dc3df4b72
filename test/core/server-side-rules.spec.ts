// What client frames get, server code gets too: RealtimeService.joinRoom()
// keeps to the room-name rules and the route's maxRoomsPerConnection; and a
// socket error (a frame ws refuses) reaches the onError hooks instead of
// being swallowed.
import { Injectable } from '@nestjs/common';
import { Gateway, RealtimeService, RuntimeErrorCode, SwitchboardModule, type OnSocketError, type WsConnection } from '../../src';
import { useApp } from '../support/test-app';
import { Waiters } from '../support/waiters';

/** What the onError hooks were told, in order. */
@Injectable()
class SocketErrors {
  readonly seen: { readonly by: string; readonly id: string; readonly code: unknown; readonly message: string }[] = [];
  private readonly waiters = new Waiters();

  add(by: string, error: Error, connection: WsConnection): void {
    this.seen.push({ by, id: connection.id, code: (error as Error & { code?: unknown }).code, message: error.message });
    this.waiters.wake();
  }

  /** Once `count` reports are in. */
  until(count: number): Promise<unknown> {
    return this.waiters.until(
      () => this.seen.length >= count || undefined,
      3000,
      () => `${count} onError reports (got ${JSON.stringify(this.seen)})`,
    );
  }
}

const errors = new SocketErrors();

@Gateway('/ws/small', { limits: { maxPayload: 64, maxRoomsPerConnection: 2, maxRoomNameLength: 8 } })
class SmallGateway implements OnSocketError {
  onError(error: Error, connection: WsConnection): void {
    errors.add('gateway', error, connection);
    throw new Error('a hook that fails is logged, and the others still run');
  }
}

describe('server-side rules', () => {
  const fixture = useApp(() => ({
    imports: [SwitchboardModule.forRoot({ hooks: { onError: (error, connection) => errors.add('module', error, connection) } })],
    providers: [SmallGateway],
  }));
  const realtime = (): RealtimeService => fixture.server.app.get(RealtimeService);

  it("RealtimeService.joinRoom() refuses an invalid room name with SB_INVALID_ROOM, by the connection's route limits", async () => {
    const a = await fixture.connect('/ws/small');
    for (const room of ['', 'has space', 'ninechars', '\u202eevil']) {
      await expect(realtime().joinRoom(a.id, room)).rejects.toMatchObject({ code: RuntimeErrorCode.INVALID_ROOM });
    }
    await expect(realtime().joinRoom(a.id, 'x y')).rejects.toThrow(`joinRoom("${a.id}"): room name may hold only letters`);
    expect((await realtime().getConnectionInfo(a.id))?.rooms).toEqual([]);
    // Checked even for a connection no node holds: the name is wrong wherever it would go.
    await expect(realtime().joinRoom('nobody.1', 'x y')).rejects.toMatchObject({ code: RuntimeErrorCode.INVALID_ROOM });
  });

  it("RealtimeService.joinRoom() keeps to the route's maxRoomsPerConnection with SB_TOO_MANY_ROOMS; a room it is in already is fine", async () => {
    const a = await fixture.connect('/ws/small');
    expect(await realtime().joinRoom(a.id, 'one')).toBe(true);
    expect(await realtime().joinRoom(a.id, 'two')).toBe(true);
    expect(await realtime().joinRoom(a.id, 'two')).toBe(true);
    await expect(realtime().joinRoom(a.id, 'three')).rejects.toMatchObject({
      code: RuntimeErrorCode.TOO_MANY_ROOMS,
      message: `joinRoom("${a.id}"): the connection is already in 2 rooms, its route's maxRoomsPerConnection`,
    });
    expect([...((await realtime().getConnectionInfo(a.id))?.rooms ?? [])].sort()).toEqual(['one', 'two']);
  });

  it('tells the onError hooks (module, then gateway) of a frame ws refuses, then the connection closes with 1009', async () => {
    const before = errors.seen.length;
    const a = await fixture.connect('/ws/small');
    const b = await fixture.connect('/ws/small');
    a.sendRaw('x'.repeat(65));
    const close = await a.closed;
    expect(close.code).toBe(1009);
    await errors.until(before + 2);
    expect(errors.seen.slice(before)).toEqual([
      { by: 'module', id: a.id, code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH', message: 'Max payload size exceeded' },
      { by: 'gateway', id: a.id, code: 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH', message: 'Max payload size exceeded' },
    ]);
    // A hook that throws harms nothing: the other connection is served.
    expect(await b.request('joinRoom', 'ok')).toMatchObject({ event: 'joinRoom' });
  });
});
