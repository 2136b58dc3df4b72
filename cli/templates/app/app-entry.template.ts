/** `src/bootstrap.ts`: creates the app and listens; each cluster worker runs it, or `single.ts` once. */
export function bootstrapTemplate(): string {
  return `import { Logger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import cluster from 'node:cluster';
import type { AddressInfo } from 'node:net';
import { AppModule } from './app.module';

/** Creates the app, listens on \`PORT\` (default 3000) and resolves once it does. */
export async function bootstrap(): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule);
  // In a cluster worker, runCluster() handles SIGTERM and Ctrl-C and closes the app once; on its own, the app does.
  if (!cluster.isWorker) app.enableShutdownHooks();
  await app.listen(Number(process.env.PORT ?? 3000));
  const { port } = app.getHttpServer().address() as AddressInfo;
  new Logger('Bootstrap').log(\`WebSocket gateway listening on ws://localhost:\${port}/ws\`);
  return app;
}
`;
}

/** `src/main.ts`: \`npm start\`, the app in cluster mode. */
export function mainTemplate(): string {
  return `// \`npm start\`: the app in cluster mode. The primary forks WORKERS workers (default:
// one per core) that share PORT, restarts any that dies, and on SIGTERM or Ctrl-C
// drains them. Through backplaneFromEnv() (see app.module.ts) the workers share
// rooms and connections over cluster IPC, or over Redis when REDIS_URL is set.
import { runCluster } from 'switchboard';
import { bootstrap } from './bootstrap';

/** \`WORKERS\` as a number; undefined (one worker per core) when unset. */
function workers(): number | undefined {
  const raw = process.env.WORKERS;
  if (raw === undefined || raw === '') return undefined;
  const count = Number(raw);
  if (!Number.isInteger(count) || count < 1) throw new Error(\`WORKERS must be a whole number >= 1, got "\${raw}"\`);
  return count;
}

runCluster(bootstrap, { workers: workers() }).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
`;
}

/** `src/single.ts`: \`npm run start:single\`, the app in one process. */
export function singleTemplate(): string {
  return `// \`npm run start:single\`: the app in one process, with the in-memory backplane.
// For development, or under a process manager that starts one process per core
// itself (then set REDIS_URL so that they share rooms).
import { bootstrap } from './bootstrap';

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
`;
}
