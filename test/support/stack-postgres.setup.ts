// e2e project "e2e-postgres": the gateway under test uses real Postgres and Redis.
process.env.ROUTEIQ_TEST_STACK = 'postgres';
