import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import cluster from 'node:cluster';
import type { SwitchboardOptions } from '../../src';
import { ChatAppModule } from './app.module';

/** Where and how the example listens. */
export interface ChatAppOptions extends SwitchboardOptions {
  /** Default: `PORT` or 3000. */
  readonly port?: number;
  /** Default: every interface. */
  readonly host?: string;
  /** Default: Nest's usual logs. */
  readonly logger?: false;
}

/** Starts the example chat app and resolves once it listens. */
export async function bootstrap(options: ChatAppOptions = {}): Promise<INestApplication> {
  const { port = Number(process.env.PORT ?? 3000), host, logger, ...switchboard } = options;
  const app = await NestFactory.create(ChatAppModule.register(switchboard), logger === false ? { logger: false } : {});
  // In a cluster worker, runCluster() handles the signals and drains the app once.
  if (!cluster.isWorker) app.enableShutdownHooks();
  await (host === undefined ? app.listen(port) : app.listen(port, host));
  return app;
}

if (require.main === module) {
  bootstrap().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
