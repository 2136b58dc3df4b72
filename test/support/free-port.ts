import { createServer } from 'node:net';

/**
 * A TCP port of 127.0.0.1 that was free a moment ago, for what must listen on
 * a port known in advance (a process restarted on the same port, a Redis of
 * the test's own); everything else listens on port 0.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
