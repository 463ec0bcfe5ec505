// e2e project "e2e-sqlite": the embedded default (SQLite file, no Redis).
process.env.ROUTEIQ_TEST_STACK = 'sqlite';
