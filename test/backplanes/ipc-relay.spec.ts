// The primary's relay, fed messages the way node:cluster feeds it, including
// one that was still in the pipe when its worker's exit had been handled.
import type { Worker } from 'node:cluster';
import { EventEmitter } from 'node:events';
import { IPC_TAG } from '../../src/backplanes/cluster-ipc-message';
import { ClusterIpcRelay } from '../../src/cluster/ipc-relay';

/** The parts of a cluster Worker the relay uses; `dead` flips what `isDead()` says. */
function worker(): Worker & { dead: boolean; sent: unknown[] } {
  const fake = {
    dead: false,
    sent: [] as unknown[],
    isDead: () => fake.dead,
    isConnected: () => !fake.dead,
    send: (message: unknown) => void fake.sent.push(message),
    process: { pid: 1 },
  };
  return fake as unknown as Worker & { dead: boolean; sent: unknown[] };
}

const addConnection = (node: string, id: string) => ({
  [IPC_TAG]: 1,
  type: 'call',
  node,
  seq: 1,
  call: { op: 'addConnection', record: { id, serverInstanceId: node, connectTime: new Date(0).toISOString(), route: '/ws', metadata: {} } },
});

describe('ClusterIpcRelay', () => {
  it('registers what a live worker sends, forgets it on exit, and ignores what reaches it from a dead worker afterwards', () => {
    const source = new EventEmitter();
    const relay = new ClusterIpcRelay(source as never);
    relay.attach();
    const w = worker();
    source.emit('message', w, addConnection('n1', 'n1.a'));
    expect(relay.registry.get('n1.a')).toMatchObject({ id: 'n1.a', serverInstanceId: 'n1' });
    expect(w.sent).toHaveLength(1);

    w.dead = true;
    expect(relay.forget(w)).toBe(1);
    source.emit('message', w, addConnection('n1', 'n1.b'));
    expect(relay.registry.all()).toEqual([]);
    expect(relay.nodes(w)).toEqual([]);
    relay.detach();
    expect(source.listenerCount('message')).toBe(0);
  });

  it('leaves the application\'s own messages alone', () => {
    const source = new EventEmitter();
    const relay = new ClusterIpcRelay(source as never);
    relay.attach();
    const w = worker();
    source.emit('message', w, { type: 'call', node: 'n1', seq: 1, call: { op: 'hello' } });
    expect(w.sent).toEqual([]);
    relay.detach();
  });
});
