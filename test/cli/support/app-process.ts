// A generated app started the way its user starts it (`npm start`, or node on
// its build), and the check that its cluster shares rooms between workers.
import { ownerOf } from '../../../src/protocol/connection-id';
import { childEnv, RunningProcess, withoutNpmConfig } from '../../support/run-process';
import { TestClient } from '../../support/test-client';

/** A running app and what it printed. */
export interface AppProcess {
  readonly port: number;
  output(): string;
  /**
   * SIGTERM to the whole process group (npm, its shell, the primary, the
   * workers), then waits until every one of them has exited: npm may exit
   * first, while the cluster still drains. SIGKILL for any left after 15 s.
   */
  stop(): Promise<void>;
}

/**
 * Runs `command args` in `cwd` in a process group of its own (so that one
 * signal reaches npm, the shell it starts and the node processes under them)
 * and resolves once the output matches `ready`, whose first group is the port.
 */
export async function startApp(
  command: string,
  args: readonly string[],
  cwd: string,
  env: Record<string, string>,
  ready: RegExp,
  ms: number,
): Promise<AppProcess> {
  const app = new RunningProcess(command, args, { cwd, env: withoutNpmConfig(childEnv({ NO_COLOR: '1', ...env })), group: true });
  const [, port] = await app.waitForOutput(ready, ms).catch((error: unknown) => {
    app.kill();
    throw error;
  });
  return {
    port: Number(port),
    output: () => app.output(),
    stop: async () => {
      await app.stop(15_000);
    },
  };
}

/**
 * A generated app's cluster, started with `startApp()`: shares a room between
 * its workers (see below), then stops on SIGTERM by draining the workers and
 * ending the primary (rather than by the final SIGKILL), and none of its
 * workers warned of a memory backplane.
 */
export async function expectClusterSharesRoomsAndDrains(cluster: AppProcess): Promise<void> {
  try {
    await expectRoomSharedAcrossWorkers(cluster.port);
  } finally {
    await cluster.stop();
  }
  expect(cluster.output()).toContain('all workers stopped; primary exits');
  expect(cluster.output()).not.toContain('MemoryBackplane');
}

/**
 * Connects until two clients sit on different workers (a connection id
 * starts with its worker's node id), puts both in a room and checks that a
 * `say` from one reaches the other, and not the sender.
 */
async function expectRoomSharedAcrossWorkers(port: number): Promise<void> {
  const url = `ws://127.0.0.1:${port}/ws`;
  const clients: TestClient[] = [];
  try {
    const first = await TestClient.connect(url);
    clients.push(first);
    let other: TestClient | undefined;
    // The primary hands connections to the workers in turn, so a second worker shows up within a few tries.
    for (let attempt = 0; attempt < 10 && other === undefined; attempt++) {
      const client = await TestClient.connect(url);
      clients.push(client);
      if (ownerOf(client.id) !== ownerOf(first.id)) other = client;
    }
    if (other === undefined)
      throw new Error(`11 connections all landed on worker ${ownerOf(first.id)}: is the app running in cluster mode?`);
    await first.request('joinRoom', 'lobby');
    await other.request('joinRoom', 'lobby');
    first.send({ event: 'say', message: { room: 'lobby', text: 'across workers' } });
    const heard = await other.next((f) => f.event === 'say', 5000, `"say" from worker ${ownerOf(first.id)} on worker ${ownerOf(other.id)}`);
    expect(heard).toMatchObject({ message: 'across workers', room: 'lobby', sender: first.id });
    // Frames to one connection arrive in order: once this reply is back, a "say" to the sender would be too.
    await first.request('hello', 'marker');
    expect(first.framesOf('say')).toEqual([]);
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}
