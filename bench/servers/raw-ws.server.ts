// Raw `ws`, the practical limit for Node: its own room sets, and one
// pre-framed buffer written straight to each member's TCP socket.
// Protocol (text frames): `J<room>` joins and is answered `J<pid>`;
// `P<room>\n<payload>` sends <payload> to every member but the sender.
import { createServer } from 'node:http';
import type { Socket } from 'node:net';
import * as ws from 'ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FrameSender } from '../support/ws-sender';
import { BENCH_HOST, announceReady, benchPort, collectGarbageOnSignal, exitOnTerm } from './server-support';

type Member = WebSocket & { _socket: Socket };

const rooms = new Map<string, Set<Member>>();
const http = createServer();
const wss = new WebSocketServer({ server: http, perMessageDeflate: false, clientTracking: false });
const { Sender } = ws as unknown as { Sender: FrameSender };
const FRAME_OPTIONS = { fin: true, opcode: 1, mask: false, readOnly: false, rsv1: false } as const;

wss.on('connection', (ws: Member) => {
  const joined = new Set<string>();
  ws.on('message', (data: Buffer) => {
    if (data[0] === 0x50 /* P */) {
      const newline = data.indexOf(10);
      const members = rooms.get(data.toString('latin1', 1, newline));
      if (!members) return;
      const frame = Buffer.concat(Sender.frame(data.subarray(newline + 1), FRAME_OPTIONS));
      for (const member of members) if (member !== ws) member._socket.write(frame);
    } else if (data[0] === 0x4a /* J */) {
      const room = data.toString('latin1', 1);
      let members = rooms.get(room);
      if (!members) rooms.set(room, (members = new Set()));
      members.add(ws);
      joined.add(room);
      ws.send(`J${process.pid}`);
    }
  });
  ws.on('close', () => {
    for (const room of joined) rooms.get(room)?.delete(ws);
  });
});

collectGarbageOnSignal();
exitOnTerm();
http.listen(benchPort(), BENCH_HOST, announceReady);
