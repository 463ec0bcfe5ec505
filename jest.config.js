// Three projects: unit specs beside the code, and the e2e suite run twice over — against real
// Postgres + Redis, and on the embedded default (SQLite file, no Redis).
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

module.exports = {
  testTimeout: 30000,
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
