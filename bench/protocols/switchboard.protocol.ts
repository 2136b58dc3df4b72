import type { BenchProtocol } from './protocol';
import { HandshakeSteps } from './handshake-steps';

/** Switchboard's wire protocol v1; the node is the part of the connection id before the dot. */
export const switchboardProtocol: BenchProtocol = {
  id: 'switchboard',
  path: '/ws',
  async join(socket, room, timeoutMs) {
    const steps = new HandshakeSteps(socket, timeoutMs);
    try {
      await steps.opened();
      const id = await steps.expect('the connected frame', (text) => {
        const frame = JSON.parse(text) as { event?: string; message?: { id?: string } };
        return frame.event === 'connected' ? frame.message?.id : undefined;
      });
      steps.send(JSON.stringify({ event: 'joinRoom', message: room, id: 1 }));
      await steps.expect('the joinRoom reply', (text) => {
        const frame = JSON.parse(text) as { event?: string; id?: unknown };
        if (frame.event === 'exception') throw new Error(`joinRoom refused: ${text}`);
        return frame.event === 'joinRoom' && frame.id === 1 ? true : undefined;
      });
      return id.slice(0, id.indexOf('.'));
    } finally {
      steps.done();
    }
  },
  publishFrame: (room, payload) => `{"event":"pub","message":{"room":${JSON.stringify(room)},"payload":${payload}}}`,
  control() {},
};
