// The packed Switchboard in a CommonJS app on the lowest Nest 11 it supports.
// Needs the npm registry (or npm's cache, which makes it quick).
import { describeInstalledApp } from './support/installed-app';

const NEST_11_0 = {
  '@nestjs/common': '11.0.0',
  '@nestjs/core': '11.0.0',
  '@nestjs/platform-express': '11.0.0',
  // The first 11.x release of @nestjs/platform-ws.
  '@nestjs/platform-ws': '11.0.5',
  '@nestjs/websockets': '11.0.0',
};

describeInstalledApp('installed into a Nest 11.0 app (CommonJS)', { modules: 'commonjs', nest: NEST_11_0 });
