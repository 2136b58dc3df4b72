// The packed Switchboard in an ES module app (`"type": "module"`,
// `module: nodenext`) on the latest Nest 12, which is ESM only: Switchboard's
// CommonJS loads it through Node's require(esm) (Node 20.19+).
// Needs the npm registry (or npm's cache, which makes it quick).
import { describeInstalledApp } from './support/installed-app';

const NEST_12 = {
  '@nestjs/common': '^12.0.0',
  '@nestjs/core': '^12.0.0',
  '@nestjs/platform-express': '^12.0.0',
  '@nestjs/platform-ws': '^12.0.0',
  '@nestjs/websockets': '^12.0.0',
};

describeInstalledApp('installed into a Nest 12 app (ES modules, nodenext)', { modules: 'esm', nest: NEST_12 });
