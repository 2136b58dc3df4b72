import { Module } from '@nestjs/common';
import { MemoryBackplane, MemoryBus, RedisBackplane, type Backplane } from '../../src';
import { ownerOf } from '../../src/protocol/connection-id';
import { clusterAppModule } from '../fixtures/cluster-app.module';
import { startCluster, type ContractCluster } from './cluster-process';
import { deleteKeysUnder, testRedis } from './redis-server';
import { startApp, type RunningApp } from './test-app';
import { TestClient } from './test-client';
import { testPrefix } from './test-prefix';

const statusAndBody = async (refused: Promise<{ status: number; body: string }>): Promise<{ status: number; body: string }> => {
  const { status, body } = await refused;
  return { status, body };
};

/** Which of the two nodes. */
export type NodeIndex = 0 | 1;

/** Two nodes of one deployment, on one backplane, serving the contract app. */
export interface TwoNodes {
  /** A client held by node `node`, on `path` (default `/ws`). */
  connect(node: NodeIndex, path?: string): Promise<TestClient>;
  /** The HTTP status and body of a handshake on `path` that node `node` (any node, where they share a port) refuses. */
  refusal(node: NodeIndex, path: string): Promise<{ status: number; body: string }>;
  close(): Promise<void>;
}

/** Makes the two nodes a contract run tests against. */
export type TwoNodeFactory = () => Promise<TwoNodes>;

/** One Nest app in this process per backplane, each serving the contract app, started in order. */
export async function startNodeApps(backplanes: readonly Backplane[]): Promise<RunningApp[]> {
  const apps: RunningApp[] = [];
  for (const backplane of backplanes) {
    @Module(clusterAppModule(backplane))
    class NodeModule {}
    apps.push(await startApp(NodeModule));
  }
  return apps;
}

async function inProcess(backplanes: [Backplane, Backplane], cleanup: () => Promise<void> = async () => undefined): Promise<TwoNodes> {
  const apps = await startNodeApps(backplanes);
  return {
    connect: (node, path = '/ws') => TestClient.connect(apps[node].ws(path)),
    refusal: (node, path) => statusAndBody(TestClient.refusal(apps[node].ws(path))),
    close: async () => {
      await Promise.all(apps.map((app) => app.close()));
      await cleanup();
    },
  };
}

/** Two Nest apps in this process sharing one `MemoryBus`. */
export const memoryNodes: TwoNodeFactory = () => {
  const bus = new MemoryBus();
  return inProcess([new MemoryBackplane({ bus }), new MemoryBackplane({ bus })]);
};

/** Two Nest apps in this process, each with its own Redis publisher/subscriber pair, under a fresh prefix. */
export const redisNodes: TwoNodeFactory = async () => {
  const redis = await testRedis();
  const prefix = testPrefix('contract');
  return inProcess([RedisBackplane.fromUrl(redis.url, { prefix }), RedisBackplane.fromUrl(redis.url, { prefix })], async () => {
    await deleteKeysUnder(redis.url, prefix);
    await redis.stop();
  });
};

/**
 * A real `node:cluster` with two forked workers sharing one port on the IPC
 * backplane. The primary hands connections to workers in turn; `connect`
 * opens connections until one lands on the wanted worker and closes the others.
 */
export const clusterIpcNodes: TwoNodeFactory = async () => {
  const cluster = await startCluster({ workers: 2 });
  return clusterNodes(cluster);
};

/** `connect(node)` for a cluster whose workers share a port: node 0 and 1 are the first two workers seen. */
export async function clusterNodes(cluster: ContractCluster): Promise<TwoNodes & { owners: string[] }> {
  const owners: string[] = [];
  const connect = async (node: NodeIndex, path = '/ws'): Promise<TestClient> => {
    for (let attempt = 0; attempt < 10; attempt++) {
      const client = await TestClient.connect(cluster.ws(path));
      const owner = ownerOf(client.id)!;
      if (!owners.includes(owner) && owners.length < 2) owners.push(owner);
      if (owners[node] === owner) return client;
      await client.close();
    }
    throw new Error(`no connection landed on node ${node} in 10 tries; nodes seen: ${owners.join(', ')}`);
  };
  // Learn both workers' node ids up front.
  await (await connect(0)).close();
  await (await connect(1)).close();
  return { owners, connect, refusal: (_node, path) => statusAndBody(TestClient.refusal(cluster.ws(path))), close: () => cluster.stop() };
}

/** A describe block's two nodes and its clients: started before its tests, clients closed after each, nodes after all. */
export interface NodesFixture {
  /** A client on node `node` (path default `/ws`), closed after the test. */
  on(node: NodeIndex, path?: string): Promise<TestClient>;
  /** The nodes, once started. */
  readonly nodes: TwoNodes;
}

/** Starts `factory`'s nodes for the enclosing describe block; call it inside `describe`. */
export function useTwoNodes(factory: TwoNodeFactory): NodesFixture {
  let nodes: TwoNodes | undefined;
  const open: TestClient[] = [];
  beforeAll(async () => {
    nodes = await factory();
  }, 30_000);
  afterEach(async () => {
    await Promise.all(open.splice(0).map((c) => c.close()));
  });
  afterAll(() => nodes?.close(), 15_000);
  return {
    on: async (node, path) => {
      const client = await nodes!.connect(node, path);
      open.push(client);
      return client;
    },
    get nodes() {
      return nodes!;
    },
  };
}
