import { type MigrationInterface, type QueryRunner, TableColumn } from 'typeorm';

const GOVERNED_TABLES = ['virtual_keys', 'teams'] as const;
// Existing keys and teams keep unrestricted A2A access (the NO_AGENT_RESTRICTIONS JSON).
const NO_AGENT_RESTRICTIONS_JSON = `'{"agents":[],"accessGroups":[]}'`;

// Per-key A2A access (keys and teams) and per-agent access groups and per-key rate limits.
// Portable schema API: the same migration runs on Postgres and SQLite. Never edit after it lands.
export class A2aAccess1764400500000 implements MigrationInterface {
  name = 'A2aAccess1764400500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const table of GOVERNED_TABLES) {
      await queryRunner.addColumn(
        table,
        new TableColumn({
          name: 'agent_permissions',
          type: 'text',
          default: NO_AGENT_RESTRICTIONS_JSON,
        }),
      );
    }
    await queryRunner.addColumns('a2a_agents', [
      new TableColumn({ name: 'access_groups', type: 'text', default: "'[]'" }),
      new TableColumn({ name: 'key_rpm_limit', type: 'integer', isNullable: true }),
    ]);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropColumns('a2a_agents', ['access_groups', 'key_rpm_limit']);
    for (const table of GOVERNED_TABLES) await queryRunner.dropColumn(table, 'agent_permissions');
  }
}
