// A front end that installs only the client SDK: no server package comes
// along, and the install stays small. Then the installed copy connects to a
// real server through Node's resolver (CommonJS and ESM).
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { coreTestModule } from '../fixtures/core-test.module';
import { packPackages } from '../support/packed-packages';
import { runNode, runNpm } from '../support/run-process';
import { useApp } from '../support/test-app';

function bytesUnder(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, entry) => sum + bytesUnder(join(path, entry)), 0);
}

describe('@switchboard/client installed alone', () => {
  const fixture = useApp(() => coreTestModule());
  let tmp: string;
  let app: string;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'sb-client-alone-'));
    app = join(tmp, 'front-end');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'front-end', private: true }));
    const { client } = await packPackages(tmp);
    await runNpm(['install', client, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], app, 60_000);
  }, 90_000);
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it('brings one package of under 1 MB, and nothing of the server', () => {
    const modules = join(app, 'node_modules');
    const installed = readdirSync(modules)
      .filter((name) => !name.startsWith('.'))
      .flatMap((name) => (name.startsWith('@') ? readdirSync(join(modules, name)).map((scoped) => `${name}/${scoped}`) : [name]));
    expect(installed).toEqual(['@switchboard/client']);
    expect(bytesUnder(modules)).toBeLessThan(1024 * 1024);
  });

  const SCRIPT = (importLine: string): string => `${importLine}
try {
  const client = connect(process.argv[2]);
  client.ready().then(async (id) => { console.log(JSON.stringify({ connected: typeof id })); await client.close(); });
} catch (error) {
  console.log(JSON.stringify({ refused: error.message }));
}
`;
  const FILES = [
    ['CommonJS', 'client.cjs', "const { connect } = require('@switchboard/client');"],
    ['ESM', 'client.mjs', "import { connect } from '@switchboard/client';"],
  ] as const;

  async function connectFrom(file: string, importLine: string, nodeFlags: string[] = []): Promise<unknown> {
    writeFileSync(join(app, file), SCRIPT(importLine));
    const run = await runNode([...nodeFlags, file, fixture.server.ws('/ws')], app, 10_000);
    expect({ code: run.code, stderr: run.stderr.replace(/^.*ExperimentalWarning.*\n.*--trace-warnings.*\n/m, '') }).toEqual({
      code: 0,
      stderr: '',
    });
    return JSON.parse(run.stdout.trim());
  }

  it.each(FILES)('from %s on a Node without a WebSocket, says to install ws', async (_how, file, importLine) => {
    if ('WebSocket' in globalThis) return; // Node 22+ has one built in: the case cannot arise.
    expect(await connectFrom(file, importLine)).toEqual({ refused: expect.stringContaining('install the `ws` package') });
  });

  it.each(FILES)('from %s, connects with the global WebSocket', async (_how, file, importLine) => {
    const flags = 'WebSocket' in globalThis ? [] : ['--experimental-websocket'];
    expect(await connectFrom(file, importLine, flags)).toEqual({ connected: 'string' });
  });

  it.each(FILES)(
    'from %s, connects with ws once the app installs it',
    async (_how, file, importLine) => {
      await runNpm(['install', 'ws@^8', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], app, 60_000);
      expect(await connectFrom(file, importLine)).toEqual({ connected: 'string' });
    },
    70_000,
  );
});
