import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

const CREATED_INDEX = 'IDX_router_traces_created_at';

// Routing traces (opt-in, LLMROUTER_TRACE_ROUTING) and the ratings of their answers
// (POST /v1/feedback): the gateway's own traffic as training data. Portable schema API: the same
// migration runs on Postgres and SQLite. Never edit after it lands.
export class RouterTraces1764400600000 implements MigrationInterface {
  name = 'RouterTraces1764400600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    const timestamp = postgres ? 'timestamptz' : 'datetime';
    const double = postgres ? 'double precision' : 'real';
    await queryRunner.createTable(
      new Table({
        name: 'router_traces',
        columns: [
          { name: 'request_id', type: 'varchar', length: '128', isPrimary: true },
          { name: 'created_at', type: timestamp },
          { name: 'key_id', type: 'varchar', length: '128', isNullable: true },
          { name: 'team_id', type: 'varchar', length: '128', isNullable: true },
          { name: 'model_group', type: 'varchar', length: '255' },
          { name: 'deployment_id', type: 'varchar', length: '255' },
          { name: 'router_candidate', type: 'varchar', length: '255', isNullable: true },
          { name: 'strategy', type: 'varchar', length: '128' },
          { name: 'strategy_version', type: 'varchar', length: '128' },
          { name: 'outcome', type: 'varchar', length: '16' },
          { name: 'latency_ms', type: 'integer' },
          { name: 'prompt_tokens', type: 'integer', isNullable: true },
          { name: 'completion_tokens', type: 'integer', isNullable: true },
          { name: 'total_tokens', type: 'integer' },
          { name: 'spend', type: double, isNullable: true },
          // Only with LLMROUTER_TRACE_PROMPTS=true; the hash is kept either way.
          { name: 'prompt', type: 'text', isNullable: true },
          { name: 'prompt_sha256', type: 'varchar', length: '64', isNullable: true },
        ],
      }),
    );
    // Exports read a time range.
    await queryRunner.createIndex(
      'router_traces',
      new TableIndex({ name: CREATED_INDEX, columnNames: ['created_at'] }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'router_feedback',
        columns: [
          { name: 'request_id', type: 'varchar', length: '128', isPrimary: true },
          { name: 'key_id', type: 'varchar', length: '128' },
          { name: 'score', type: double },
          { name: 'comment', type: 'text', isNullable: true },
          { name: 'created_at', type: timestamp },
          { name: 'updated_at', type: timestamp },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('router_feedback');
    await queryRunner.dropIndex('router_traces', CREATED_INDEX);
    await queryRunner.dropTable('router_traces');
  }
}
