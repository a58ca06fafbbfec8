/** Two projects: unit specs beside the code, end-to-end specs in test/ (real PostgreSQL, Redis, child processes). */
const { availableParallelism } = require('node:os');

const transform = { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }] };
module.exports = {
  testTimeout: 60000,
  // e2e suites spend most of their time waiting on hubs, adapters and databases in other processes,
  // so two run side by side even on two cores (jest's default there is one); more cores, up to four
  maxWorkers: Math.max(2, Math.min(4, availableParallelism() - 1)),
  globalSetup: '<rootDir>/test/support/global-setup.js',
  globalTeardown: '<rootDir>/test/support/global-teardown.js',
  reporters: ['default', '<rootDir>/test/support/summary-reporter.js'],
  projects: [
    { displayName: 'unit', testEnvironment: 'node', rootDir: '.', testMatch: ['<rootDir>/src/**/*.spec.ts'], transform },
    { displayName: 'e2e', testEnvironment: 'node', rootDir: '.', testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'], transform },
  ],
};
