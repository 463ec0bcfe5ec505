import { type MigrationInterface, type QueryRunner, Table, TableColumn } from 'typeorm';

const GOVERNED_TABLES = ['virtual_keys', 'teams'] as const;
// Existing keys and teams keep unrestricted MCP access (the NO_MCP_RESTRICTIONS JSON).
const NO_MCP_RESTRICTIONS_JSON = `'{"servers":[],"accessGroups":[],"tools":{}}'`;

// The MCP server registry, and the MCP permissions of keys and teams. Portable schema API: the
// same migration runs on Postgres and SQLite. Never edit after it lands.
export class McpServers1764400300000 implements MigrationInterface {
  name = 'McpServers1764400300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    const timestamp = postgres ? 'timestamptz' : 'datetime';
    await queryRunner.createTable(
      new Table({
        name: 'mcp_servers',
        columns: [
          { name: 'server_id', type: 'varchar', length: '64', isPrimary: true },
          { name: 'server_name', type: 'varchar', length: '255' },
          { name: 'description', type: 'text', isNullable: true },
          { name: 'transport', type: 'varchar', length: '32' },
          { name: 'url', type: 'text', isNullable: true },
          { name: 'command', type: 'text', isNullable: true },
          { name: 'args', type: 'text', default: "'[]'" },
          { name: 'env', type: 'text', default: "'{}'" },
          { name: 'auth_type', type: 'varchar', length: '32' },
          { name: 'auth_value', type: 'text', isNullable: true },
          { name: 'api_key_header', type: 'varchar', length: '255', isNullable: true },
          { name: 'static_headers', type: 'text', default: "'{}'" },
          { name: 'access_groups', type: 'text', default: "'[]'" },
          { name: 'allowed_tools', type: 'text', default: "'[]'" },
          { name: 'timeout_ms', type: 'integer', isNullable: true },
          { name: 'enabled', type: 'boolean', default: true },
          { name: 'created_by', type: 'varchar', length: '128', isNullable: true },
          { name: 'updated_by', type: 'varchar', length: '128', isNullable: true },
          { name: 'created_at', type: timestamp },
          { name: 'updated_at', type: timestamp },
        ],
      }),
    );
    for (const table of GOVERNED_TABLES) {
      await queryRunner.addColumn(
        table,
        new TableColumn({
          name: 'mcp_permissions',
          type: 'text',
          default: NO_MCP_RESTRICTIONS_JSON,
        }),
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of GOVERNED_TABLES) await queryRunner.dropColumn(table, 'mcp_permissions');
    await queryRunner.dropTable('mcp_servers');
  }
}
