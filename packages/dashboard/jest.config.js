'use strict';
// Unit tests sit next to the code (src/**/*.test.ts); spawned-process scenarios live in test/integration.
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } }] };
module.exports = {
  reporters: ['default', require.resolve('@minidapr/testkit/jest-totals-reporter.js')],
  projects: [
    { displayName: 'unit', testEnvironment: 'node', transform, testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/web/src/**/*.test.ts'] },
    { displayName: 'integration', testEnvironment: 'node', transform, testMatch: ['<rootDir>/test/integration/**/*.test.ts'], slowTestThreshold: 30 },
  ],
};
