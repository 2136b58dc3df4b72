import type { BenchProtocol } from './protocol';
import { HandshakeSteps } from './handshake-steps';

// Engine.IO v4 packet types are the first character of each text frame:
// 0 open, 2 ping, 3 pong, 4 message; a Socket.IO packet follows a 4:
// 0 connect, 2 event, 3 ack (with the ack id after the type).
const PING = 0x32;

/** Socket.IO 4 over the websocket transport only, spoken by hand over a plain `ws` client. */
export const socketIoProtocol: BenchProtocol = {
  id: 'socketio',
  path: '/socket.io/?EIO=4&transport=websocket',
  async join(socket, room, timeoutMs) {
    const steps = new HandshakeSteps(socket, timeoutMs);
    try {
      await steps.opened();
      await steps.expect('the Engine.IO open packet', (text) => (text.startsWith('0{') ? true : undefined));
      steps.send('40');
      await steps.expect('the Socket.IO connect packet', (text) => (text.startsWith('40') ? true : undefined));
      steps.send(`421${JSON.stringify(['join', room])}`);
      const [pid] = await steps.expect('the join ack', (text) =>
        text.startsWith('431') ? (JSON.parse(text.slice(3)) as unknown[]) : undefined,
      );
      return String(pid);
    } finally {
      steps.done();
    }
  },
  publishFrame: (room, payload) => `42["pub",{"room":${JSON.stringify(room)},"payload":${payload}}]`,
  control(socket, data) {
    if (data.length === 1 && data[0] === PING) socket.send('3');
  },
};
