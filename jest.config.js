// Three projects: unit specs beside the code, and the e2e suite run twice over — against real
// Postgres + Redis, and on the embedded default (SQLite file, no Redis).
const { availableParallelism } = require('node:os');
const { compilerOptions } = require('./tsconfig.json');

const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias.replace('/', '\\/')}$`,
    `<rootDir>/${target}`,
  ]),
);
// jose (the A2A SDK's card-signing dependency) is ESM-only; no test signs agent cards.
moduleNameMapper['^jose$'] = '<rootDir>/test/support/jose.stub.ts';

const base = {
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: {
    '^.+\\.ts$': [
      'ts-jest',
      { tsconfig: '<rootDir>/tsconfig.json', isolatedModules: true, diagnostics: false },
    ],
  },
  moduleNameMapper,
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
};

// Workers: half again as many as cores. An e2e file spends about half its time waiting on sockets
// and gateway processes, so one worker per core (jest's default leaves one core to itself: 1 worker
// on a 2-core CI machine, i.e. a serial run) leaves the CPU idle. At most 4: each worker may run a
// few gateways with a Postgres pool of up to 10 connections each (Postgres allows 100 by default).
// Every file has its own databases, Redis key prefix, ports and temp dirs, so files never share
// state. `--maxWorkers` on the command line overrides this.
const maxWorkers = Math.min(4, Math.max(1, Math.round(availableParallelism() * 1.5)));

module.exports = {
  testTimeout: 30000,
  maxWorkers,
  // Longest files first, also on a clean clone without recorded durations.
  testSequencer: '<rootDir>/test/support/test-sequencer.js',
  projects: [
    {
      ...base,
      displayName: 'unit',
      // test/*.spec.ts: checks that need no running stack (the rendered Helm chart).
      testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts', '<rootDir>/test/*.spec.ts'],
    },
    {
      ...base,
      displayName: 'e2e-postgres',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      setupFiles: ['<rootDir>/test/support/stack-postgres.setup.ts'],
    },
    {
      ...base,
      displayName: 'e2e-sqlite',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      // Several replicas sharing state need Postgres and Redis: the embedded default is one node.
      testPathIgnorePatterns: [
        ...base.testPathIgnorePatterns,
        '/test/replicas\\.e2e-spec\\.ts$',
        '/test/routing-replicas\\.e2e-spec\\.ts$',
        '/test/mcp-replicas\\.e2e-spec\\.ts$',
        '/test/a2a-replicas\\.e2e-spec\\.ts$',
      ],
      setupFiles: ['<rootDir>/test/support/stack-sqlite.setup.ts'],
    },
  ],
};
