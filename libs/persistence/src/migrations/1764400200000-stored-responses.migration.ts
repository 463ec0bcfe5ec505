import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

const EXPIRES_INDEX = 'IDX_stored_responses_expires_at';

// Responses API answers kept for `previous_response_id` and `GET /v1/responses/{id}`. Portable
// schema API: the same migration runs on Postgres and SQLite. Never edit after it lands.
export class StoredResponses1764400200000 implements MigrationInterface {
  name = 'StoredResponses1764400200000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    const timestamp = postgres ? 'timestamptz' : 'datetime';
    await queryRunner.createTable(
      new Table({
        name: 'stored_responses',
        columns: [
          { name: 'id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'created_at', type: timestamp },
          { name: 'expires_at', type: timestamp },
          { name: 'key_id', type: 'varchar', length: '128' },
          { name: 'deployment_id', type: 'varchar', length: '255' },
          { name: 'model_group', type: 'varchar', length: '255' },
          { name: 'messages', type: 'text' },
          { name: 'response', type: 'text' },
        ],
      }),
    );
    // The periodic cleanup deletes by expiry.
    await queryRunner.createIndex(
      'stored_responses',
      new TableIndex({ name: EXPIRES_INDEX, columnNames: ['expires_at'] }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('stored_responses', EXPIRES_INDEX);
    await queryRunner.dropTable('stored_responses');
  }
}
