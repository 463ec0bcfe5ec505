import { type MigrationInterface, type QueryRunner, Table } from 'typeorm';

// The A2A agent registry. Portable schema API: the same migration runs on Postgres and SQLite.
// Never edit after it lands.
export class A2aAgents1764400400000 implements MigrationInterface {
  name = 'A2aAgents1764400400000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    const timestamp = postgres ? 'timestamptz' : 'datetime';
    await queryRunner.createTable(
      new Table({
        name: 'a2a_agents',
        columns: [
          { name: 'agent_id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'name', type: 'varchar', length: '255' },
          { name: 'description', type: 'text', isNullable: true },
          { name: 'url', type: 'text' },
          { name: 'card_url', type: 'text', isNullable: true },
          { name: 'card', type: 'text', default: "'{}'" },
          { name: 'protocol_version', type: 'varchar', length: '16' },
          { name: 'capabilities', type: 'text', default: "'[]'" },
          { name: 'auth_type', type: 'varchar', length: '32' },
          { name: 'auth_value', type: 'text', isNullable: true },
          { name: 'api_key_header', type: 'varchar', length: '255', isNullable: true },
          { name: 'static_headers', type: 'text', default: "'{}'" },
          { name: 'timeout_ms', type: 'integer', isNullable: true },
          { name: 'enabled', type: 'boolean', default: true },
          { name: 'created_by', type: 'varchar', length: '128', isNullable: true },
          { name: 'updated_by', type: 'varchar', length: '128', isNullable: true },
          { name: 'created_at', type: timestamp },
          { name: 'updated_at', type: timestamp },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('a2a_agents');
  }
}
