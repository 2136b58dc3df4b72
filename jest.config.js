/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test', '<rootDir>/src'],
  testMatch: ['**/*.spec.ts'],
  transform: { '^.+\\.ts$': ['@swc/jest'] },
  testTimeout: 20000,
  // Every test that opens sockets closes them. Jest's open-handle tracking slows every test and only
  // reports, so it stays off here; when jest says it did not exit, run `npx jest --detectOpenHandles <spec>`.
  detectOpenHandles: false,
};
