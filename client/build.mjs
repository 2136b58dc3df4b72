// Builds @switchboard/client into client/dist: browser bundles (ES module and a
// classic script), Node builds (ES module and CommonJS), and the type declarations.
// Usage: npm run build -w @switchboard/client   (the root `npm run build` runs it)
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, 'dist');

const browser = {
  entryPoints: [join(here, 'index.ts')],
  // `browser` makes any import of a Node built-in (or of `ws`) a build error.
  platform: 'browser',
  target: ['es2020'],
};
const node = {
  entryPoints: [join(here, 'node.ts')],
  platform: 'node',
  target: ['node20'],
  // `ws` is an optional peer, loaded with require() on first use.
  external: ['ws'],
};

const BUNDLES = [
  { ...browser, format: 'esm', outfile: join(out, 'switchboard-client.mjs') },
  // A classic script that defines the global `Switchboard`.
  { ...browser, format: 'iife', globalName: 'Switchboard', outfile: join(out, 'switchboard-client.iife.js') },
  { ...browser, format: 'cjs', outfile: join(out, 'switchboard-client.cjs') },
  {
    ...node,
    format: 'esm',
    // The ES module build has no require() of its own; node.ts's lazy require('ws') uses this one.
    banner: { js: "import { createRequire as __sbCreateRequire } from 'node:module'; const require = __sbCreateRequire(import.meta.url);" },
    outfile: join(out, 'node.mjs'),
  },
  { ...node, format: 'cjs', outfile: join(out, 'node.cjs') },
];

rmSync(out, { recursive: true, force: true });
for (const bundle of BUNDLES) {
  await build({ bundle: true, minify: true, sourcemap: true, legalComments: 'none', logLevel: 'warning', ...bundle });
}
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
try {
  execFileSync(process.execPath, [tsc, '-p', join(here, 'tsconfig.build.json')], { stdio: 'inherit' });
} catch {
  process.exit(1); // tsc has printed its errors
}

const kib = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`;
for (const { outfile } of BUNDLES) {
  const code = readFileSync(outfile);
  console.log(`${relative(here, outfile).padEnd(34)} ${kib(code.length).padStart(9)}  (${kib(gzipSync(code).length)} gzip)`);
}
