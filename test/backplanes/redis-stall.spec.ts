// A Redis that hangs instead of going away: paused (CLIENT PAUSE) or stopped
// (SIGSTOP), its TCP connections stay open, so ioredis reports nothing. Each
// deployment here has a redis-server of its own: a pause stops every client
// of that server.
import { REDIS_BACKPLANE_DEFAULTS, RuntimeErrorCode } from '../../src';
import { settle } from '../support/node-calls';
import { startOwnRedis, type OwnRedis } from '../support/redis-server';
import { testPrefix } from '../support/test-prefix';
import { eventually, within } from '../support/wait';
import {
  RedisNodes,
  SLACK_MS,
  backplaneStatus,
  resumeWithin,
  seqOf,
  sequenceFaults,
  untilHealthy,
  untilKnows,
  type NodeSpec,
} from './redis-nodes';

type Stall = 'paused' | 'stopped';

/** What the issue asks of a node while Redis hangs: unhealthy within 3 s, registry answers within about 2 s. */
const UNHEALTHY_WITHIN_MS = 3000;
const ANSWERS_WITHIN_MS = 2000;

describe('Redis backplane: a Redis that hangs', () => {
  const running: { redis: OwnRedis; nodes?: RedisNodes }[] = [];

  afterEach(async () => {
    for (const { redis, nodes } of running.splice(0)) {
      await nodes?.close();
      await redis.stop();
    }
  });

  /** Two nodes on a Redis of their own, a client of each in room `room`, each knowing the other is alive. */
  async function deployment(spec: NodeSpec = {}) {
    const redis = await startOwnRedis();
    const entry: (typeof running)[number] = { redis };
    running.push(entry);
    const nodes = (entry.nodes = await RedisNodes.start(redis.url, testPrefix('stall'), [spec, spec]));
    const [here, there] = [await nodes.connect(0), await nodes.connect(1)];
    for (const client of [here, there]) await client.request('joinRoom', 'room');
    await untilKnows(here, nodes.nodeId(1), REDIS_BACKPLANE_DEFAULTS.heartbeatInterval);
    await untilKnows(there, nodes.nodeId(0), REDIS_BACKPLANE_DEFAULTS.heartbeatInterval);
    return { redis, nodes, here, there };
  }

  /** Starts the stall; resolves when Redis answers again (a pause ends by itself, a stopped server is continued). */
  async function stallFor(redis: OwnRedis, how: Stall, ms: number): Promise<() => Promise<void>> {
    if (how === 'paused') {
      await redis.pause(ms);
    } else {
      redis.freeze();
    }
    // The stall's length is what is tested here, not a wait for something to happen.
    const over = new Promise<void>((resolve) => setTimeout(resolve, ms));
    return async () => {
      await over;
      if (how === 'stopped') redis.thaw();
    };
  }

  /**
   * A stall of `ms` under traffic from node 0 to the room (a frame every 20 ms):
   * node 0 turns unhealthy within 3 s and answers registry calls within 2 s
   * throughout; once Redis answers, every frame reaches node 1 once and in
   * order, and neither node reaped the other.
   */
  async function survives(how: Stall, ms: number): Promise<string> {
    const { redis, nodes, here, there } = await deployment();
    const realtime = nodes.realtime(0);
    let sent = 0;
    const traffic = setInterval(() => here.send({ event: 'seq', message: { room: 'room', n: sent++ } }), 20);
    try {
      const startedAt = Date.now();
      const ended = await stallFor(redis, how, ms);

      // Asked before the node knows: past requestTimeout it answers with what it holds.
      const [all, remote] = await Promise.allSettled([
        within(realtime.getAllConnections(), ANSWERS_WITHIN_MS, `${how}: getAllConnections() while Redis hangs`),
        within(realtime.getConnectionInfo(there.id), ANSWERS_WITHIN_MS, `${how}: getConnectionInfo(${there.id}) while Redis hangs`),
      ]);
      expect(all.status === 'fulfilled' ? all.value.map((c) => c.id) : all.reason).toEqual([here.id]);
      expect(remote).toMatchObject({
        status: 'rejected',
        reason: { message: expect.stringContaining(`cannot look up connection ${there.id} of node`) },
      });

      await untilHealthy(here, false, UNHEALTHY_WITHIN_MS - (Date.now() - startedAt), nodes.logs[0]);
      const unhealthyMs = Date.now() - startedAt;
      expect((await backplaneStatus(here)).detail).toMatch(
        `Redis stopped answering (no probe back within ${REDIS_BACKPLANE_DEFAULTS.probeTimeout} ms) since `,
      );
      // Known stalled now: answered at once.
      await expect(within(realtime.getAllConnections(), SLACK_MS, `${how}: getAllConnections() once stalled`)).resolves.toHaveLength(1);
      // Local delivery goes on.
      const before = seqOf(here).length;
      await eventually(
        () => seqOf(here).length > before + 5,
        SLACK_MS,
        () => `${how}: local delivery goes on (${seqOf(here).length} frames)`,
      );

      await ended();
      const backAt = Date.now();
      await untilHealthy(here, true, resumeWithin() + REDIS_BACKPLANE_DEFAULTS.heartbeatInterval, nodes.logs[0]);
      const resumedMs = Date.now() - backAt;
      clearInterval(traffic);
      const total = sent;
      await settle(here, [there], resumeWithin());
      expect({ how, faults: sequenceFaults(seqOf(there), total) }).toEqual({ how, faults: [] });
      expect({ how, lost: (await backplaneStatus(here)).lost }).toEqual({ how, lost: 0 });
      // The last publishes' replies may still be on their way.
      await eventually(async () => (await backplaneStatus(here)).pending === 0, SLACK_MS, `${how}: nothing pending on node 0`);

      // Nobody was reaped: each node still sees the other's connection.
      for (const [node, other] of [
        [0, there],
        [1, here],
      ] as const) {
        const ids = (await nodes.realtime(node).getAllConnections()).map((c) => c.id);
        expect({ how, node, sees: ids.includes(other.id) }).toEqual({ how, node, sees: true });
        expect({ how, node, reaped: nodes.logs[node].find('reaped')?.line }).toEqual({ how, node, reaped: undefined });
      }
      return `${how} ${ms / 1000} s: unhealthy after ${unhealthyMs} ms, healthy ${resumedMs} ms after Redis answered, 0 of ${total} frames lost`;
    } finally {
      clearInterval(traffic);
    }
  }

  // Under mutation testing (Stryker sets STRYKER_MUTATOR_WORKER) only the short stall: the long one would cost 30 s per mutant.
  it.each(process.env.STRYKER_MUTATOR_WORKER ? [3000] : [3000, 30_000])(
    'paused or SIGSTOPped for %i ms: unhealthy within 3 s, registry answers within 2 s, nobody reaped, 0 frames lost',
    async (ms) => {
      // Both stalls at once, each on its own Redis: the suite waits for the long one once.
      const figures = await Promise.all([survives('paused', ms), survives('stopped', ms)]);
      process.stdout.write(`[figures] Redis stall: ${figures.join('; ')}\n`);
    },
    60_000,
  );

  it('holds publishes in flight and held together under outboxLimit; the first ones arrive in order, the rest are counted lost', async () => {
    const outboxLimit = 100;
    const { redis, nodes, here, there } = await deployment({ outboxLimit });
    /** Sends frames from..from+count-1 to the room and waits until node 0 has handled them (they come back to the sender). */
    const burst = async (from: number, count: number, which: string): Promise<void> => {
      for (let n = from; n < from + count; n++) here.send({ event: 'seq', message: { room: 'room', n } });
      await eventually(
        () => seqOf(here).length === from + count,
        SLACK_MS,
        () => `node 0 has handled the ${which} burst (${seqOf(here).length})`,
      );
    };
    redis.freeze();
    // Before the node knows: straight to ioredis, which holds what a stopped Redis does not answer.
    await burst(0, 150, 'first');
    expect(await backplaneStatus(here)).toMatchObject({ healthy: true, pending: outboxLimit, lost: 50 });
    await untilHealthy(here, false, UNHEALTHY_WITHIN_MS, nodes.logs[0]);
    // Known stalled: held in the outbox, under the same limit.
    await burst(150, 150, 'second');
    expect(await backplaneStatus(here)).toMatchObject({ healthy: false, pending: outboxLimit, lost: 200 });

    redis.thaw();
    await untilHealthy(here, true, resumeWithin() + REDIS_BACKPLANE_DEFAULTS.heartbeatInterval, nodes.logs[0]);
    await settle(here, [there], resumeWithin());
    expect(seqOf(there)).toEqual(Array.from({ length: outboxLimit }, (_, n) => n));
    expect(await backplaneStatus(here)).toMatchObject({ lost: 200 });
  });

  it("fails a question about another node's connection with SB_REGISTRY_TIMEOUT before the node knows Redis hangs", async () => {
    const { redis, nodes, there } = await deployment({ requestTimeout: 300 });
    redis.freeze();
    // Before the probe tells the node (a timeout here, not `unreachable`).
    const asked = within(nodes.realtime(0).getConnectionInfo(there.id), SLACK_MS, `getConnectionInfo(${there.id})`);
    await expect(asked).rejects.toMatchObject({
      code: RuntimeErrorCode.REGISTRY_TIMEOUT,
      message: expect.stringContaining(`no answer within 300 ms while asking Redis to look up connection ${there.id}`),
    });
    redis.thaw();
  });
});
