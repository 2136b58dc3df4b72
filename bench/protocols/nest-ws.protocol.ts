import type { BenchProtocol } from './protocol';
import { HandshakeSteps } from './handshake-steps';

/** Nest's WsAdapter message shape: `{event, data}` both ways. */
export const nestWsProtocol: BenchProtocol = {
  id: 'nest-ws',
  path: '/ws',
  async join(socket, room, timeoutMs) {
    const steps = new HandshakeSteps(socket, timeoutMs);
    try {
      await steps.opened();
      steps.send(JSON.stringify({ event: 'join', data: room }));
      return await steps.expect('the joined event', (text) => {
        const frame = JSON.parse(text) as { event?: string; data?: unknown };
        return frame.event === 'joined' ? String(frame.data) : undefined;
      });
    } finally {
      steps.done();
    }
  },
  publishFrame: (room, payload) => `{"event":"pub","data":{"room":${JSON.stringify(room)},"payload":${payload}}}`,
  control() {},
};
