// A generated app started the way its user starts it (`npm start`, or node on
// its build), and the check that its cluster shares rooms between workers.
import { spawn } from 'node:child_process';
import { ownerOf } from '../../../src/services/connection-id';
import { childEnv, collect } from '../../support/run-process';
import { TestClient } from '../../support/test-client';
import { within } from '../../support/wait';

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
export async function startApp(command: string, args: readonly string[], cwd: string, env: Record<string, string>, ready: RegExp, ms: number): Promise<AppProcess> {
  // npm_config_* inherited from an `npm test` running us would steer the app's npm.
  const base = Object.fromEntries(Object.entries(childEnv({ NO_COLOR: '1', ...env })).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
  const child = spawn(command, args, { cwd, env: base, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = collect(child);
  const printed = () => `${output.stdout}${output.stderr}`;
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  // Every process of the group writes to these pipes; they close once the last one has exited.
  const pipesClosed = Promise.all([child.stdout, child.stderr].map((pipe) => new Promise<void>((resolve) => pipe.once('close', () => resolve()))));
  const signal = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name);
    } catch {
      // The group is gone already.
    }
  };
  const port = await within(
    new Promise<number>((resolve, reject) => {
      const check = () => {
        const match = ready.exec(printed());
        if (match) resolve(Number(match[1]));
      };
      child.stdout.on('data', check);
      child.stderr.on('data', check);
      void exited.then((code) => reject(new Error(`"${command} ${args.join(' ')}" exited with ${code} before it was ready:\n${printed()}`)));
    }),
    ms,
    `"${command} ${args.join(' ')}" to print ${ready}`,
  ).catch((error: Error) => {
    signal('SIGKILL');
    throw new Error(`${error.message}\noutput:\n${printed()}`);
  });
  return {
    port,
    output: printed,
    stop: async () => {
      signal('SIGTERM');
      await within(Promise.all([exited, pipesClosed]), 15_000, `every process of the app to exit after SIGTERM; output:\n${printed()}`).finally(() =>
        signal('SIGKILL'),
      );
    },
  };
}

/**
 * Connects until two clients sit on different workers (a connection id
 * starts with its worker's node id), puts both in a room and checks that a
 * `say` from one reaches the other, and not the sender.
 */
export async function expectRoomSharedAcrossWorkers(port: number): Promise<void> {
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
    if (other === undefined) throw new Error(`11 connections all landed on worker ${ownerOf(first.id)}: is the app running in cluster mode?`);
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
