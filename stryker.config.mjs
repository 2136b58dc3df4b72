// Mutation testing (StrykerJS, jest runner): `npm run mutate`. Not part of `npm test`.
// See CONTRIBUTING.md, "Mutation testing", for how to run it and the scores measured so far.
//
// MUTATE_SCOPE picks one folder and the specs that test it, so a run gives that folder's
// score in reasonable time:
//   MUTATE_SCOPE=decoder|dispatcher|services|backplanes|history npm run mutate
// Without it, every scope's files are mutated against the union of the specs.
// `npm run mutate -- --mutate <file>` narrows further (the CLI flag replaces `mutate`).
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SCOPES = {
  decoder: {
    mutate: ['src/protocol/decode-frame.ts'],
    specs: ['test/protocol/*.spec.ts', 'test/core/protocol.spec.ts', 'test/core/bad-input.spec.ts'],
  },
  dispatcher: {
    mutate: ['src/gateways/message-dispatcher.ts'],
    specs: [
      'test/core/protocol.spec.ts',
      'test/core/bad-input.spec.ts',
      'test/core/inbox-cap.spec.ts',
      'test/core/handler-errors.spec.ts',
      // join-room / leave-room frames go through the dispatcher
      'test/core/room-authorization.spec.ts',
      'test/core/leave-room-and-http-errors.spec.ts',
    ],
  },
  services: {
    mutate: ['src/services/**/*.ts'],
    specs: [
      'test/core/emitter.spec.ts',
      'test/core/realtime-service.spec.ts',
      'test/core/broadcast-write-path.spec.ts',
      'test/core/room-authorization*.spec.ts',
      'test/core/protocol.spec.ts',
      'test/core/metadata-patch.spec.ts',
      'test/core/connection-versions.spec.ts',
      // a registry that refuses a join or a leave: the local change is undone
      'test/core/handler-errors.spec.ts',
      'test/core/leave-room-and-http-errors.spec.ts',
      // the cross-node half of the services (Membership.apply, Fanout.receive) runs only with two nodes
      'test/backplanes/memory.contract.spec.ts',
      'test/backplanes/change-order.spec.ts',
    ],
  },
  backplanes: {
    mutate: ['src/backplanes/**/*.ts'],
    // memory, cluster IPC (in-process with a fake channel, and the forked contract), Redis, the IPC relay.
    // Specs that fork processes (cluster-ipc.contract, test/cluster/*) run the mutated code in the children
    // (Stryker passes the active mutant in the environment), but coverage is only seen in the jest process,
    // so they are selected only for mutants that jest process also runs.
    specs: ['test/backplanes/*.spec.ts'],
  },
  // Room history (issue #13): the numbering in process and in Redis, the per-node feeds, joins and shared reads.
  history: {
    mutate: [
      'src/backplanes/room-history.ts',
      'src/backplanes/room-histories.ts',
      'src/backplanes/room-stream.ts',
      'src/backplanes/redis-history.ts',
      'src/services/history-rooms.ts',
      'src/services/room-feeds.ts',
      'src/services/room-recovery.ts',
      'src/services/shared-history-reads.ts',
    ],
    specs: [
      'test/backplanes/room-history.spec.ts',
      'test/backplanes/redis-history.spec.ts',
      'test/core/history-rooms.spec.ts',
      'test/core/history-delivery.spec.ts',
      'test/core/room-feeds.properties.spec.ts',
      'test/backplanes/memory.contract.spec.ts',
      'test/backplanes/redis.contract.spec.ts',
      'test/backplanes/redis-history-faults.spec.ts',
      'test/example/example-history.spec.ts',
    ],
  },
};

const scopeName = process.env.MUTATE_SCOPE;
if (scopeName !== undefined && !(scopeName in SCOPES)) {
  throw new Error(`MUTATE_SCOPE=${scopeName}: expected one of ${Object.keys(SCOPES).join(', ')}`);
}
const scopes = scopeName ? [SCOPES[scopeName]] : Object.values(SCOPES);
// MUTATE_REPORT names the report, so a scope run in parts keeps one report per part.
const report = process.env.MUTATE_REPORT ?? scopeName ?? 'all';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  mutate: [...new Set(scopes.flatMap((s) => s.mutate))],
  testRunner: 'jest',
  jest: {
    projectType: 'custom',
    configFile: 'jest.config.js',
    // Overrides the repo's jest config: only the specs of the scope.
    config: { testMatch: [...new Set(scopes.flatMap((s) => s.specs))].map((spec) => `<rootDir>/${spec}`) },
    enableFindRelatedTests: true,
  },
  coverageAnalysis: 'perTest',
  // Code that only runs at boot or in afterAll (Nest module set-up, backplane init/close) is covered
  // outside any test; running every test for each of those mutants would cost most of the time.
  ignoreStatic: true,
  disableTypeChecks: '{src,test}/**/*.ts',
  concurrency: 2,
  // A mutant's timeout is timeoutFactor × the test's own dry-run time + timeoutMS, so slow specs
  // (the Redis outage ones) get their own margin; most timeouts are a spec waiting for a frame that
  // never comes, and a shorter fixed part made the backplanes run about twice as fast.
  timeoutMS: 2_000,
  timeoutFactor: 1.5,
  dryRunTimeoutMinutes: 10,
  // The sandbox lives outside the working tree, so `git status` and other engineers' runs never see it.
  tempDirName: join(tmpdir(), 'switchboard-stryker'),
  ignorePatterns: [
    'node_modules',
    'client/node_modules',
    'cli/node_modules',
    'dist',
    'client/dist',
    'cli/dist',
    'coverage',
    'test-artifacts',
    'bench/results',
    'reports',
  ],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: `reports/mutation/${report}.html` },
  jsonReporter: { fileName: `reports/mutation/${report}.json` },
  clearTextReporter: { allowColor: false, logTests: false, maxTestsToLog: 0 },
};
