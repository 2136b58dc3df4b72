// MemoryBackplane on its own (the emitter and realtime service across two
// memory nodes: memory.contract.spec.ts): which peers a message reaches, and
// when it counts as distributed at all.
import { MemoryBackplane, MemoryBus } from '../../src';
import type { BackplaneMessage } from '../../src/backplanes/backplane-message';

const disconnect = (id: string): BackplaneMessage => ({ type: 'disconnect', id, code: 4000, reason: 'test' });
const flushMicrotasks = () => new Promise((resolve) => setImmediate(resolve));

describe('MemoryBackplane', () => {
  it('is not distributed alone, is once a second node shares its bus, and is not once that one stops', async () => {
    const bus = new MemoryBus();
    const a = new MemoryBackplane({ bus });
    const b = new MemoryBackplane({ bus });
    expect(a.status().name).toBe('memory');
    await a.start(() => undefined);
    expect(a.distributed).toBe(false);
    await b.start(() => undefined);
    expect(a.distributed).toBe(true);
    await b.stop();
    expect(a.distributed).toBe(false);
    await a.stop();
  });

  it('delivers to every other node of the bus, or to the one named, never back to the sender', async () => {
    const bus = new MemoryBus();
    const nodes = [0, 1, 2].map((i) => new MemoryBackplane({ bus, nodeId: `m${i}` }));
    const got: string[] = [];
    for (const node of nodes)
      await node.start((message, from) => got.push(`${node.nodeId} from ${from}: ${'id' in message ? message.id : ''}`));
    nodes[0].send(disconnect('all'));
    nodes[0].send(disconnect('to m2'), 'm2');
    await flushMicrotasks();
    expect(got.sort()).toEqual(['m1 from m0: all', 'm2 from m0: all', 'm2 from m0: to m2']);
    // What a node sends is counted once, what it received once per message.
    expect(nodes.map((n) => [n.status().published, n.status().received])).toEqual([
      [2, 0],
      [0, 1],
      [0, 2],
    ]);
    for (const node of nodes) await node.stop();
  });
});
