// Socket.IO 4: `socket.join(room)` and `socket.to(room).emit()`. With
// WORKERS=2 it runs in node:cluster with @socket.io/redis-adapter (REDIS_URL,
// key prefix REDIS_PREFIX). Clients use the websocket transport only, so
// no sticky sessions are needed.
// Events: `join` (room, ack) answers ack(pid); `pub` ({room, payload}) emits
// `m` with the payload to the room, sender excluded.
import cluster from 'node:cluster';
import { createServer } from 'node:http';
import { createAdapter } from '@socket.io/redis-adapter';
import { Redis } from 'ioredis';
import { Server } from 'socket.io';
import { BENCH_HOST, announceReady, benchPort, collectGarbageOnSignal, exitOnTerm } from './server-support';

const workers = Number(process.env.WORKERS ?? 1);

interface Publish {
  readonly room: string;
  readonly payload: unknown;
}

function serve(): void {
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'], perMessageDeflate: false, serveClient: false });
  if (workers > 1) {
    const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    const pub = new Redis(url);
    const sub = pub.duplicate();
    io.adapter(createAdapter(pub, sub, { key: `${process.env.REDIS_PREFIX ?? 'bench:'}socket.io` }));
  }
  io.on('connection', (socket) => {
    socket.on('join', (room: string, ack: (pid: number) => void) => {
      void socket.join(room);
      ack(process.pid);
    });
    socket.on('pub', (message: Publish) => {
      socket.to(message.room).emit('m', message.payload);
    });
  });
  http.listen(benchPort(), BENCH_HOST, () => {
    if (workers === 1) announceReady();
  });
}

collectGarbageOnSignal();
exitOnTerm();
if (workers > 1 && cluster.isPrimary) {
  let listening = 0;
  cluster.on('listening', () => {
    if (++listening === workers) announceReady();
  });
  for (let i = 0; i < workers; i++) cluster.fork();
} else {
  serve();
}
