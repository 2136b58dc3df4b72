// The layer check `npm test` runs (npm run check:layers). Each folder of src/ has one role, and
// imports point one way, down this list (see docs/architecture.md):
//   protocol <- backplanes <- services <- options <- decorators <- controllers <- gateways <- module, index
// errors (Nest exceptions to exception frames) sits on protocol alone; cluster (the runner) on the
// backplanes. No import cycles anywhere, in src/, client/ or cli/.
/** May `from` (a folder of src/) import from these folders of src/, besides its own? */
const LAYERS = {
  protocol: [],
  backplanes: ['protocol'],
  services: ['protocol', 'backplanes'],
  options: ['protocol', 'backplanes', 'services'],
  errors: ['protocol'],
  decorators: ['protocol', 'backplanes', 'services', 'options'],
  controllers: ['protocol', 'backplanes', 'services', 'options', 'errors', 'decorators'],
  gateways: ['protocol', 'backplanes', 'services', 'options', 'errors', 'decorators', 'controllers'],
  cluster: ['protocol', 'backplanes', 'errors'],
};

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    ...Object.entries(LAYERS).map(([layer, below]) => ({
      name: `layer-${layer}`,
      comment: `src/${layer} may import only from ${below.length ? below.map((l) => `src/${l}`).join(', ') : 'itself'} (docs/architecture.md)`,
      severity: 'error',
      from: { path: `^src/${layer}/` },
      to: { path: '^src/', pathNot: `^src/(${[layer, ...below].join('|')})/` },
    })),
    {
      name: 'no-unknown-src-folder',
      comment: 'every file of src/ sits in a layer folder or is the module/index at the top',
      severity: 'error',
      from: { path: '^src/', pathNot: `^src/((${Object.keys(LAYERS).join('|')})/|[^/]+$)` },
      to: {},
    },
    {
      name: 'client-apart',
      comment: 'the client SDK ships alone: it may take the wire types from src/protocol, nothing else of the server',
      severity: 'error',
      from: { path: '^client/' },
      to: { path: '^src/', pathNot: '^src/protocol/' },
    },
    {
      name: 'no-circular',
      comment: 'no import cycles, type-only imports included',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(node_modules|dist)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
