// The packed Switchboard in an ES module app (`"type": "module"`,
// `module: nodenext`) on the latest Nest 12, which is ESM only: Switchboard's
// CommonJS loads it through Node's require(esm) (Node 20.19+).
// Needs the npm registry (or npm's cache, which makes it quick).
import { exerciseGateway, installScratchApp, type InstalledApp } from './support/installed-app';

const NEST_12 = {
  '@nestjs/common': '^12.0.0',
  '@nestjs/core': '^12.0.0',
  '@nestjs/platform-express': '^12.0.0',
  '@nestjs/platform-ws': '^12.0.0',
  '@nestjs/websockets': '^12.0.0',
};

describe('installed into a Nest 12 app (ES modules, nodenext)', () => {
  let app: InstalledApp;

  beforeAll(async () => {
    app = await installScratchApp({ modules: 'esm', nest: NEST_12 });
  }, 240_000);
  afterAll(() => app?.dispose());

  it('shares the app\'s one copy of Nest', () => {
    expect(app.copiesOf('@nestjs/core')).toEqual([`${app.root}/node_modules/@nestjs/core`]);
    expect(app.copiesOf('@nestjs/common')).toHaveLength(1);
  });

  it('compiles, boots and serves a gateway end to end', async () => {
    expect(await app.compile()).toEqual({ code: 0, output: '' });
    await exerciseGateway(await app.boot());
  }, 60_000);
});
