import type { MigrationInterface, QueryRunner } from 'typeorm';

// Where an MCP server was registered: `api` (the admin API; every existing row) or `config`
// (the config file's `mcp_servers`, which the gateway keeps in step with the file). Plain
// `ALTER TABLE … ADD COLUMN` runs on both Postgres and SQLite. Never edit after it lands.
export class McpServerSource1764400800000 implements MigrationInterface {
  name = 'McpServerSource1764400800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE mcp_servers ADD COLUMN source varchar(16) NOT NULL DEFAULT 'api'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE mcp_servers DROP COLUMN source`);
  }
}
