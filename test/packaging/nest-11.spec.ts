// The packed Switchboard in a CommonJS app on the lowest Nest 11 it supports.
// Needs the npm registry (or npm's cache, which makes it quick).
import { exerciseGateway, installScratchApp, type InstalledApp } from './support/installed-app';

const NEST_11_0 = {
  '@nestjs/common': '11.0.0',
  '@nestjs/core': '11.0.0',
  '@nestjs/platform-express': '11.0.0',
  // The first 11.x release of @nestjs/platform-ws.
  '@nestjs/platform-ws': '11.0.5',
  '@nestjs/websockets': '11.0.0',
};

describe('installed into a Nest 11.0 app (CommonJS)', () => {
  let app: InstalledApp;

  beforeAll(async () => {
    app = await installScratchApp({ modules: 'commonjs', nest: NEST_11_0 });
  }, 240_000);
  afterAll(() => app?.dispose());

  it('shares the app\'s one copy of Nest', () => {
    expect(app.copiesOf('@nestjs/core')).toEqual([`${app.root}/node_modules/@nestjs/core`]);
    expect(app.copiesOf('@nestjs/common')).toHaveLength(1);
  });

  it('brings none of the CLI\'s or the client\'s dependencies', () => {
    expect([...app.copiesOf('ts-morph'), ...app.copiesOf('commander'), ...app.copiesOf('esbuild')]).toEqual([]);
  });

  it('compiles, boots and serves a gateway end to end', async () => {
    expect(await app.compile()).toEqual({ code: 0, output: '' });
    await exerciseGateway(await app.boot());
  }, 60_000);
});
