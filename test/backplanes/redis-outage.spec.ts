import { RuntimeErrorCode } from '../../src';
import { settle } from '../support/node-calls';
import { deleteKeysUnder, testRedis } from '../support/redis-server';
import type { TestClient } from '../support/test-client';
import { testPrefix } from '../support/test-prefix';
import { eventually, within } from '../support/wait';
import { RedisNodes, SLACK_MS, backplaneStatus, resumeWithin, seqOf, untilHealthy, type NodeSpec } from './redis-nodes';

/**
 * What a node cut off from Redis answers and holds. A `RedisProxy` cuts node
 * 0 alone off; node 1 stays connected, so what it misses was never sent.
 */
describe('Redis backplane: while Redis is away', () => {
  let redis: { url: string; stop(): Promise<void> };
  let prefix: string;
  let nodes: RedisNodes | undefined;

  beforeAll(async () => {
    redis = await testRedis();
  });
  beforeEach(() => {
    prefix = testPrefix('outage');
    nodes = undefined;
  });
  afterEach(async () => {
    await nodes?.close();
    await deleteKeysUnder(redis.url, prefix);
  });
  afterAll(() => redis.stop());

  /** A client on each node, both in room `room`, then node 0 cut off from Redis. */
  async function cutOff(options: NodeSpec = {}): Promise<{ cluster: RedisNodes; here: TestClient; there: TestClient }> {
    const cluster = (nodes = await RedisNodes.start(redis.url, prefix, [{ ...options, proxied: true }, {}]));
    const [here, there] = [await cluster.connect(0), await cluster.connect(1)];
    for (const client of [here, there]) await client.request('joinRoom', 'room');
    await cluster.proxy(0).refuse();
    await untilHealthy(here, false, SLACK_MS, cluster.logs[0]);
    return { cluster, here, there };
  }

  it('holds publishes up to outboxLimit, drops and counts the rest, and sends the held ones in order once Redis is back', async () => {
    const outboxLimit = 5;
    const sent = 12;
    const { cluster, here, there } = await cutOff({ outboxLimit });
    for (let n = 0; n < sent; n++) here.send({ event: 'seq', message: { room: 'room', n } });
    // The emit that delivered a frame here also handed it to the backplane.
    await eventually(
      () => seqOf(here).length === sent,
      SLACK_MS,
      () => `the ${sent} frames have reached their sender (got ${JSON.stringify(seqOf(here))})`,
    );
    expect((await backplaneStatus(here)).detail).toMatch(`${outboxLimit} messages waiting, ${sent - outboxLimit} lost`);

    await cluster.proxy(0).restore();
    await untilHealthy(here, true, resumeWithin(), cluster.logs[0]);
    await settle(here, [there]);
    // The held ones are the first, in order: what is held stays a prefix of what was sent.
    expect(seqOf(there)).toEqual(Array.from({ length: outboxLimit }, (_, n) => n));
    // The node turns healthy and sends the held messages as soon as it has sent its registry write-back, and logs
    // this line once the write-back's reply is back: that reply comes through the proxy to node 0, the marker came
    // from Redis to node 1, and nothing orders the two, so the line may still be on its way here.
    const back = await cluster.logs[0].waitFor('Redis reachable again', SLACK_MS, 'node 0 to log that Redis is reachable again');
    expect(back.line).toMatch(`sent ${outboxLimit} held messages, ${sent - outboxLimit} lost`);
  });

  it("rejects a question about another node's connection, saying Redis is unreachable; emitTo to it resolves 1 and is sent once Redis is back", async () => {
    const { cluster, here, there } = await cutOff();
    const realtime = cluster.realtime(0);
    const settled = <T>(promise: Promise<T>, what: string): Promise<T> =>
      within(promise, SLACK_MS, `${what} to settle while Redis is away`);

    const refused = settled(realtime.getConnectionInfo(there.id), `getConnectionInfo(${there.id})`);
    await expect(refused).rejects.toThrow(/cannot look up connection \S+ of node \S+ while Redis is unreachable/);
    await expect(refused).rejects.toMatchObject({ code: RuntimeErrorCode.REGISTRY_UNREACHABLE });
    // This node's own connections are still answered, from what it holds.
    await expect(settled(realtime.getConnectionInfo(here.id), `getConnectionInfo(${here.id})`)).resolves.toMatchObject({
      id: here.id,
      rooms: ['room'],
    });
    // The frame is held for node 1, so the caller must not send it again: 1, not an error.
    await expect(settled(realtime.emitTo(there.id, 'held', 'for there'), `emitTo(${there.id})`)).resolves.toBe(1);

    await cluster.proxy(0).restore();
    await there.next((f) => f.event === 'held' && f.message === 'for there', resumeWithin(), 'the frame held for node 1');
  });
});
