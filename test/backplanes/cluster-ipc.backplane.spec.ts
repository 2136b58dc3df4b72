import { EventEmitter } from 'node:events';
import { ClusterIpcBackplane, SwitchboardBootError, type BackplaneMessage, type IpcChannel } from '../../src';
import { IPC_TAG, decodeWorkerMessage, type WorkerIpcMessage } from '../../src/backplanes/cluster-ipc-message';
import { encodeEnvelope } from '../../src/backplanes/backplane-message';

/** A worker's IPC channel whose primary side the test plays: it sees what the worker sends and answers or not. */
class FakeChannel extends EventEmitter implements IpcChannel {
  connected = true;
  readonly sent: WorkerIpcMessage[] = [];
  answer = true;

  send(message: unknown): boolean {
    const decoded = decodeWorkerMessage(message);
    if (!decoded) throw new Error(`the worker sent something the primary cannot read: ${JSON.stringify(message)}`);
    this.sent.push(decoded);
    if (this.answer && decoded.type === 'call') {
      queueMicrotask(() => this.emit('message', { [IPC_TAG]: 1, type: 'result', seq: decoded.seq, value: null }));
    }
    return true;
  }
}

const deliver: BackplaneMessage = { type: 'deliver', target: { type: 'all' }, frame: '{"event":"x","message":1}' };

describe('ClusterIpcBackplane (worker side, against a scripted primary)', () => {
  it('tags what it sends with its node id, and hands on only tagged messages from other nodes', async () => {
    const channel = new FakeChannel();
    const backplane = new ClusterIpcBackplane({ channel, nodeId: 'w1' });
    const received: string[] = [];
    await backplane.start((message, from) => received.push(`${from}:${message.type}`));
    backplane.send(deliver);
    expect(channel.sent.at(-1)).toMatchObject({ [IPC_TAG]: 1, type: 'publish', node: 'w1' });

    const payload = (node: string): string => encodeEnvelope({ v: 1, node, msg: deliver });
    channel.emit('message', { type: 'message', payload: payload('w2') }); // the app's own IPC: no tag
    channel.emit('message', 'plain string from the app');
    channel.emit('message', { [IPC_TAG]: 1, type: 'message', payload: payload('w2'), to: 'w3' }); // for another app in this worker
    channel.emit('message', { [IPC_TAG]: 1, type: 'message', payload: payload('w1') }); // its own
    channel.emit('message', { [IPC_TAG]: 1, type: 'message', payload: 'garbage' });
    channel.emit('message', { [IPC_TAG]: 1, type: 'message', payload: payload('w2') });
    expect(received).toEqual(['w2:deliver']);
    expect(backplane.status()).toMatchObject({ name: 'cluster', healthy: true, received: 1, dropped: 1 });
    await backplane.stop();
    expect(channel.listenerCount('message')).toBe(0);
    expect(channel.listenerCount('disconnect')).toBe(0);
  });

  it('rejects a registry call the primary never answers, saying which call was pending', async () => {
    const channel = new FakeChannel();
    const backplane = new ClusterIpcBackplane({ channel, nodeId: 'w1', requestTimeout: 50 });
    await backplane.start(() => undefined);
    channel.answer = false;
    await expect(backplane.getRoomMembers('lobby')).rejects.toThrow(
      'cluster registry: sent getRoomMembers(lobby) to the primary, no answer within 50 ms',
    );
    await backplane.stop();
  });

  it('rejects pending calls at once when the channel to the primary closes', async () => {
    const channel = new FakeChannel();
    const backplane = new ClusterIpcBackplane({ channel, nodeId: 'w1', requestTimeout: 60_000 });
    await backplane.start(() => undefined);
    channel.answer = false;
    const pending = backplane.getConnection('w2.1');
    channel.connected = false;
    channel.emit('disconnect');
    await expect(pending).rejects.toThrow('the IPC channel to the primary closed before the primary answered getConnection(w2.1)');
    expect(backplane.status()).toMatchObject({ healthy: false, detail: 'the IPC channel to the cluster primary is closed' });
    await expect(backplane.getConnections()).rejects.toThrow('cannot getConnections(): the IPC channel to the primary is closed');
    await backplane.stop();
  });

  it('refuses to start outside a cluster worker, saying what to use instead', async () => {
    const channel = new FakeChannel();
    const noIpc: IpcChannel = { connected: false, on: channel.on.bind(channel), off: channel.off.bind(channel) };
    const backplane = new ClusterIpcBackplane({ channel: noIpc });
    const error = await backplane.start(() => undefined).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SwitchboardBootError);
    expect((error as Error).message).toMatch(/^SB_BACKPLANE_MISCONFIGURED: ClusterIpcBackplane runs in a node:cluster worker; start the app with runCluster\(\)/);
  });

  it('fails at boot when no primary answers its hello', async () => {
    const channel = new FakeChannel();
    channel.answer = false;
    const backplane = new ClusterIpcBackplane({ channel, requestTimeout: 30 });
    await expect(backplane.start(() => undefined)).rejects.toThrow(/^SB_BACKPLANE_UNREACHABLE: the cluster primary did not answer/);
    expect(channel.listenerCount('message')).toBe(0);
  });
});
