import type { BenchProtocol } from './protocol';
import { HandshakeSteps } from './handshake-steps';

/** `J<room>` joins (answered `J<pid>`); `P<room>\n<payload>` publishes. */
export const rawWsProtocol: BenchProtocol = {
  id: 'raw-ws',
  path: '/',
  async join(socket, room, timeoutMs) {
    const steps = new HandshakeSteps(socket, timeoutMs);
    try {
      await steps.opened();
      steps.send(`J${room}`);
      return await steps.expect('join answer J<pid>', (text) => (text.startsWith('J') ? text.slice(1) : undefined));
    } finally {
      steps.done();
    }
  },
  publishFrame: (room, payload) => `P${room}\n${payload}`,
  control() {},
};
