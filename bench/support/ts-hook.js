// Lets the bench's processes (orchestrator, servers, cluster workers, load
// generator threads) run TypeScript — bench/ and src/ — without a build step:
// `node -r ./bench/support/ts-hook.js file.ts`. Each file is compiled with
// @swc/core and the project's .swcrc (decorator metadata included, which Nest's
// DI needs and esbuild lacks). Output is cached on disk by content hash, so
// the many server processes a run starts compile nothing twice.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const swc = require('@swc/core');

const root = path.join(__dirname, '../..');
const { $schema, ...swcrc } = JSON.parse(fs.readFileSync(path.join(root, '.swcrc'), 'utf8'));
void $schema;
const cacheDir = path.join(root, 'node_modules/.cache/switchboard-bench');
const salt = `${swc.version ?? ''}${JSON.stringify(swcrc)}`;

function compile(source, filename) {
  const key = crypto.createHash('sha1').update(salt).update(filename).update(source).digest('hex');
  const cached = path.join(cacheDir, `${key}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    // not cached yet
  }
  const { code } = swc.transformSync(source, {
    ...swcrc,
    filename,
    swcrc: false,
    configFile: false,
    sourceMaps: 'inline',
  });
  try {
    fs.mkdirSync(cacheDir, { recursive: true });
    // Write then rename: cluster workers compile the same files at once.
    const tmp = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}`;
    fs.writeFileSync(tmp, code);
    fs.renameSync(tmp, cached);
  } catch {
    // A read-only tree only loses the cache.
  }
  return code;
}

require.extensions['.ts'] = function compileTypeScript(module, filename) {
  module._compile(compile(fs.readFileSync(filename, 'utf8'), filename), filename);
};
process.setSourceMapsEnabled(true);
