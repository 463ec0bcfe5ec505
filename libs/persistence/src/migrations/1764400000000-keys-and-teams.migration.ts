import { type MigrationInterface, type QueryRunner, Table, TableIndex } from 'typeorm';

// Virtual keys, teams and per-user spend. Portable schema API: the same migration runs on Postgres
// and SQLite. Never edit after it lands: add a new migration instead.
export class KeysAndTeams1764400000000 implements MigrationInterface {
  name = 'KeysAndTeams1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    const timestamp = postgres ? 'timestamptz' : 'datetime';
    const money = postgres ? 'double precision' : 'real';
    const governance = [
      { name: 'models', type: 'text', default: "'[]'" },
      { name: 'max_budget', type: money, isNullable: true },
      { name: 'budget_duration', type: 'varchar', length: '16', isNullable: true },
      { name: 'budget_reset_at', type: timestamp, isNullable: true },
      { name: 'spend', type: money, default: 0 },
      { name: 'rpm_limit', type: 'integer', isNullable: true },
      { name: 'tpm_limit', type: 'integer', isNullable: true },
      { name: 'blocked', type: 'boolean', default: false },
      { name: 'metadata', type: 'text', default: "'{}'" },
      { name: 'created_at', type: timestamp },
      { name: 'updated_at', type: timestamp },
    ];
    await queryRunner.createTable(
      new Table({
        name: 'teams',
        columns: [
          { name: 'team_id', type: 'varchar', length: '128', isPrimary: true },
          { name: 'team_alias', type: 'varchar', length: '255', isNullable: true },
          ...governance,
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'virtual_keys',
        columns: [
          // SHA-256 (hex) of the key: the plaintext is never stored.
          { name: 'token', type: 'varchar', length: '64', isPrimary: true },
          { name: 'key_name', type: 'varchar', length: '32' },
          { name: 'key_alias', type: 'varchar', length: '255', isNullable: true, isUnique: true },
          { name: 'team_id', type: 'varchar', length: '128', isNullable: true },
          { name: 'user_id', type: 'varchar', length: '255', isNullable: true },
          { name: 'permissions', type: 'text', default: "'[]'" },
          { name: 'expires_at', type: timestamp, isNullable: true },
          ...governance,
        ],
      }),
    );
    await queryRunner.createIndex(
      'virtual_keys',
      new TableIndex({ name: 'IDX_virtual_keys_team_id', columnNames: ['team_id'] }),
    );
    await queryRunner.createIndex(
      'virtual_keys',
      new TableIndex({ name: 'IDX_virtual_keys_user_id', columnNames: ['user_id'] }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'user_spend',
        columns: [
          { name: 'user_id', type: 'varchar', length: '255', isPrimary: true },
          { name: 'spend', type: money, default: 0 },
          { name: 'updated_at', type: timestamp },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('user_spend');
    await queryRunner.dropIndex('virtual_keys', 'IDX_virtual_keys_user_id');
    await queryRunner.dropIndex('virtual_keys', 'IDX_virtual_keys_team_id');
    await queryRunner.dropTable('virtual_keys');
    await queryRunner.dropTable('teams');
  }
}
