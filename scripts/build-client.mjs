// Builds the browser bundles of the client SDK (client/index.ts) and prints their sizes.
// Usage: node scripts/build-client.mjs   (also run by `npm run build`)
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

const browser = {
  entryPoints: [join(root, 'client/index.ts')],
  // `browser` makes any import of a Node built-in (or of `ws`) a build error.
  platform: 'browser',
  target: ['es2020'],
};

/**
 * The browser bundles (an ES module, and a classic script that defines the
 * global `Switchboard`), and an ES module of the Node entry so that
 * `import connect from 'switchboard/client'` works in Node too (the CommonJS
 * build from tsc would hand ESM importers its whole exports object as default).
 */
const BUNDLES = [
  { ...browser, format: 'esm', outfile: join(root, 'dist/bundles/switchboard-client.esm.js') },
  { ...browser, format: 'iife', globalName: 'Switchboard', outfile: join(root, 'dist/bundles/switchboard-client.iife.js') },
  {
    entryPoints: [join(root, 'client/node.ts')],
    platform: 'node',
    target: ['node20'],
    packages: 'external',
    format: 'esm',
    outfile: join(root, 'dist/bundles/switchboard-client.node.mjs'),
  },
];

for (const bundle of BUNDLES) {
  await build({ bundle: true, minify: true, sourcemap: true, legalComments: 'none', logLevel: 'warning', ...bundle });
}

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
for (const { outfile } of BUNDLES) {
  const code = readFileSync(outfile);
  console.log(`${relative(root, outfile).padEnd(42)} ${kib(code.length).padStart(9)}  (${kib(gzipSync(code).length)} gzip)`);
}
