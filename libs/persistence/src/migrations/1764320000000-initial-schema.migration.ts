import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

// Written with TypeORM's portable schema API so the same migration runs on Postgres and SQLite.
// Never edit after it lands: add a new migration instead.
export class InitialSchema1764320000000 implements MigrationInterface {
  name = 'InitialSchema1764320000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    await queryRunner.createTable(
      new Table({
        name: 'request_logs',
        columns: [
          // An increasing integer key: appends to the B-tree, no UUID to generate per request.
          {
            name: 'id',
            type: postgres ? 'bigint' : 'integer',
            isPrimary: true,
            isGenerated: true,
            generationStrategy: 'increment',
          },
          { name: 'request_id', type: 'varchar', length: '128' },
          // timestamptz stores an instant, so replicas in different time zones agree.
          { name: 'created_at', type: postgres ? 'timestamptz' : 'datetime' },
          { name: 'endpoint', type: 'varchar', length: '32' },
          { name: 'model_group', type: 'varchar', length: '255' },
          { name: 'deployment_id', type: 'varchar', length: '128', isNullable: true },
          { name: 'provider', type: 'varchar', length: '64', isNullable: true },
          { name: 'key_id', type: 'varchar', length: '128', isNullable: true },
          { name: 'status_code', type: 'integer' },
          { name: 'stream', type: 'boolean' },
          { name: 'prompt_tokens', type: 'integer', default: 0 },
          { name: 'completion_tokens', type: 'integer', default: 0 },
          { name: 'total_tokens', type: 'integer', default: 0 },
          { name: 'spend', type: postgres ? 'double precision' : 'real', default: 0 },
          { name: 'latency_ms', type: 'integer' },
          { name: 'ttft_ms', type: 'integer', isNullable: true },
          { name: 'error_code', type: 'varchar', length: '64', isNullable: true },
        ],
      }),
    );
    await queryRunner.createIndex(
      'request_logs',
      new TableIndex({ name: 'IDX_request_logs_created_at', columnNames: ['created_at'] }),
    );
    // Request ids are random (UUIDv4), so every batch of rows dirties pages all over this index.
    // On Postgres that work happens in the database server; on SQLite it runs on the gateway's own
    // event loop (~12 µs of the ~18 µs a row costs), so the embedded default looks request ids up
    // by scanning instead.
    if (postgres) {
      await queryRunner.createIndex(
        'request_logs',
        new TableIndex({ name: 'IDX_request_logs_request_id', columnNames: ['request_id'] }),
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    if (queryRunner.connection.options.type === 'postgres') {
      await queryRunner.dropIndex('request_logs', 'IDX_request_logs_request_id');
    }
    await queryRunner.dropIndex('request_logs', 'IDX_request_logs_created_at');
    await queryRunner.dropTable('request_logs');
  }
}
