// `@switchboard/client` (and `switchboard/client`, which points at the same
// files) as an app imports it: a separate Node process that resolves the
// package export (CommonJS: client/dist/node.cjs; ESM: client/dist/node.mjs)
// through Node's own resolver, against a real server. It tests what
// `npm run build` produced, as an installed package would be.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { coreTestModule } from '../fixtures/core-test.module';
import { REPO } from '../support/repo';
import { runNode } from '../support/run-process';
import { useApp } from '../support/test-app';

/** Connects, fails a validated request, prints what it saw as one JSON line. */
const SCRIPT = (importLine: string): string => `
${importLine}
const client = connect(process.argv[1]);
client.ready().then(async (id) => {
  const outcome = await client.request('intro', { name: 1, age: -1 }).then(() => 'resolved', (error) => error);
  console.log(JSON.stringify({ id, state: client.state, code: outcome.code, fields: Object.keys(outcome.details?.fields ?? {}).sort() }));
  await client.close();
});`;

async function run(args: string[], url: string): Promise<Record<string, unknown>> {
  // A client that never finishes keeps reconnecting: runNode() kills it when the wait gives up.
  const { code, stdout, stderr } = await runNode([...args, url], REPO, 10_000);
  if (code !== 0) throw new Error(`node exited with ${code}: ${stderr}`);
  return JSON.parse(stdout.trim()) as Record<string, unknown>;
}

describe('the switchboard/client package export', () => {
  const fixture = useApp(() => coreTestModule());

  beforeAll(() => {
    if (!existsSync(join(REPO, 'client/dist/node.cjs'))) throw new Error('the client is not built: run `npm run build` (npm test does it)');
  });

  it.each([
    ['require() (CommonJS)', ['-e', SCRIPT("const { connect } = require('switchboard/client');")]],
    ['import (ESM)', ['--input-type=module', '-e', SCRIPT("import { connect } from 'switchboard/client';")]],
    ['require() of @switchboard/client', ['-e', SCRIPT("const { connect } = require('@switchboard/client');")]],
    ['import of @switchboard/client', ['--input-type=module', '-e', SCRIPT("import connect from '@switchboard/client';")]],
  ])('works through %s: connects, and maps VALIDATION_FAILED with its fields', async (_how, args) => {
    const seen = await run(args, fixture.server.ws('/ws'));
    expect(seen).toEqual({ id: expect.any(String), state: 'connected', code: 'VALIDATION_FAILED', fields: ['age', 'name'] });
  });
});
