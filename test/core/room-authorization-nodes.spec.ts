import { Module } from '@nestjs/common';
import { MemoryBackplane, MemoryBus } from '../../src';
import { joinsNodeModule } from '../fixtures/joins-test.module';
import { startApp, type RunningApp } from '../support/test-app';
import { TestClient } from '../support/test-client';

describe('a refused client join on two nodes sharing a memory bus', () => {
  const apps: RunningApp[] = [];
  const clients: TestClient[] = [];
  const connect = async (node: 0 | 1, path: string) => {
    const client = await TestClient.connect(apps[node].ws(path));
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    const bus = new MemoryBus();
    for (const backplane of [new MemoryBackplane({ bus }), new MemoryBackplane({ bus })]) {
      @Module(joinsNodeModule(backplane))
      class NodeModule {}
      apps.push(await startApp(NodeModule));
    }
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await Promise.all(apps.map((a) => a.close()));
  });

  it('leaves no registry entry: the other node lists only the permitted member, and only it gets the room frames', async () => {
    const ann = await connect(0, '/ws/policy?user=ann');
    const bob = await connect(1, '/ws/policy?user=bob');
    expect(await ann.request('joinRoom', 'private:ann')).toMatchObject({ message: { room: 'private:ann' } });
    const refused = await bob.request('joinRoom', 'private:ann');
    expect(refused).toEqual({
      event: 'exception',
      message: { status: 'error', code: 'FORBIDDEN', message: 'not allowed to join "private:ann"' },
      id: refused.id,
    });
    // Asked on each node: the registry holds ann alone.
    expect((await ann.request('members', 'private:ann')).message).toEqual([ann.id]);
    expect((await bob.request('members', 'private:ann')).message).toEqual([ann.id]);

    // bob's own send reaches ann on the other node, and not bob (its reply comes after any local delivery).
    expect(await bob.request('say', { room: 'private:ann', text: 'from node 1' })).toMatchObject({ message: null });
    expect(await ann.next((f) => f.event === 'said')).toMatchObject({ message: 'from node 1', sender: bob.id, room: 'private:ann' });
    expect(bob.framesOf('said')).toEqual([]);

    // A server-side join made on node 0 for bob on node 1 is not authorized: it happens.
    expect((await ann.request('serverJoin', { id: bob.id, room: 'private:ann' })).message).toBe(true);
    expect(((await bob.request('members', 'private:ann')).message as string[]).sort()).toEqual([ann.id, bob.id].sort());
    expect(await ann.request('say', { room: 'private:ann', text: 'welcome' })).toMatchObject({ message: null });
    expect(await bob.next((f) => f.event === 'said')).toMatchObject({ message: 'welcome', sender: ann.id, room: 'private:ann' });
  });
});
