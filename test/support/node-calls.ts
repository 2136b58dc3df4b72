// Talking to a node of the contract app (test/fixtures/cluster-app.module.ts)
// through one of its clients: the calls every backplane spec makes.
import type { TestClient } from './test-client';

/** Runs one realtime-service call on the node `via` is connected to (the contract app's `rt` event). */
export async function call<T = unknown>(via: TestClient, name: string, ...args: unknown[]): Promise<T> {
  const reply = await via.request('rt', { call: name, args });
  if (reply.event === 'exception') throw new Error(`${name} failed on the server: ${JSON.stringify(reply.message)}`);
  return reply.message as T;
}

/**
 * Sends a marker from `sender` to each receiver and waits for it: frames of
 * one sender stay in order on every backplane, so once it is there, whatever
 * `sender` caused before has arrived, and a frame that is missing was never delivered.
 */
export async function settle(sender: TestClient, receivers: readonly TestClient[], ms = 3000): Promise<void> {
  const tag = `mark-${Date.now()}-${Math.random()}`;
  await sender.request('mark', { to: receivers.map((r) => r.id), tag });
  for (const receiver of receivers)
    await receiver.next((f) => f.event === 'mark' && f.message === tag, ms, `marker ${tag} from ${sender.id}`);
}
