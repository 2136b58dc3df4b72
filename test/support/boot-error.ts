import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { SwitchboardBootError } from '../../src';

/** An app as the boot tests create it: `NestFactory.create()` (the default) or `createApplicationContext()`. */
type Created = { init(): Promise<unknown>; close(): Promise<void> };

/**
 * Creates the app of `module` with `create` (default: a silent
 * `NestFactory.create()`) and initialises it; resolves to the error that
 * stopped it, and fails when the app booted.
 */
export async function bootError(
  module: Type<unknown>,
  create: (module: Type<unknown>) => Promise<Created> = (m) => NestFactory.create(m, { logger: false }),
): Promise<SwitchboardBootError> {
  let app: Created | undefined;
  try {
    // createApplicationContext() initialises the app itself; create() leaves it to init().
    app = await create(module);
    await app.init();
  } catch (error) {
    return error as SwitchboardBootError;
  } finally {
    await app?.close().catch(() => undefined);
  }
  throw new Error('expected the app to refuse to boot');
}
