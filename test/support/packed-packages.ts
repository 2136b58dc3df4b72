// The three packages as `npm publish` would ship them, for the tests that
// install Switchboard into scratch apps the way a user does.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO } from './repo';
import { runNpm } from './run-process';

/** Paths of the packed tarballs. */
export interface PackedPackages {
  /** `switchboard`: the server framework. */
  readonly server: string;
  /** `@switchboard/client`: the client SDK. */
  readonly client: string;
  /** `@switchboard/cli`: the `switchboard` command. */
  readonly cli: string;
}

/**
 * Packs the root package and both workspaces into `destination`. Needs a
 * build (`npm test` runs one first); scripts are skipped so that packing
 * does not rebuild under other tests that read dist/.
 */
export async function packPackages(destination: string): Promise<PackedPackages> {
  for (const built of ['dist/src/index.js', 'client/dist/node.cjs', 'cli/dist/main.js']) {
    if (!existsSync(join(REPO, built))) throw new Error(`${built} is missing: run \`npm run build\` first (npm test does it)`);
  }
  const { stdout } = await runNpm(
    ['pack', '--ignore-scripts', '--json', '--workspaces', '--include-workspace-root', '--pack-destination', destination],
    REPO,
    60_000,
  );
  const packed = JSON.parse(stdout) as { name: string; filename: string }[];
  const file = (name: string): string => {
    const entry = packed.find((p) => p.name === name);
    if (!entry) throw new Error(`npm pack did not pack ${name}: ${stdout}`);
    return join(destination, entry.filename);
  };
  return { server: file('switchboard'), client: file('@switchboard/client'), cli: file('@switchboard/cli') };
}
