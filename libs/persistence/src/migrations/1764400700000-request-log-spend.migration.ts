import { type MigrationInterface, type QueryRunner, TableIndex } from 'typeorm';

const TABLE = 'request_logs';
const KEY_INDEX = 'IDX_request_logs_key_created_at';
const TEAM_INDEX = 'IDX_request_logs_team_created_at';

/** Nullable attribution, then counters and costs that read 0 on rows written before them. */
function columns(double: string): ReadonlyArray<readonly [string, string]> {
  return [
    ['key_alias', 'varchar(255)'],
    ['team_id', 'varchar(128)'],
    ['user_id', 'varchar(255)'],
    ['cached_prompt_tokens', 'integer NOT NULL DEFAULT 0'],
    ['cache_creation_tokens', 'integer NOT NULL DEFAULT 0'],
    ['reasoning_tokens', 'integer NOT NULL DEFAULT 0'],
    ['input_cost', `${double} NOT NULL DEFAULT 0`],
    ['cache_read_cost', `${double} NOT NULL DEFAULT 0`],
    ['cache_creation_cost', `${double} NOT NULL DEFAULT 0`],
    ['output_cost', `${double} NOT NULL DEFAULT 0`],
  ];
}

// Spend attribution (team, user, key alias), cache and reasoning token counts and the cost
// breakdown of each request. Plain `ALTER TABLE … ADD COLUMN`, one column per statement, runs on
// both Postgres and SQLite; TypeORM's addColumn would copy the whole table on SQLite, and
// request_logs is the largest table. Never edit after it lands.
export class RequestLogSpend1764400700000 implements MigrationInterface {
  name = 'RequestLogSpend1764400700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    for (const [name, type] of columns(postgres ? 'double precision' : 'real')) {
      await queryRunner.query(`ALTER TABLE ${TABLE} ADD COLUMN ${name} ${type}`);
    }
    // Spend by key or team over a time range. Postgres only, as for request ids: on SQLite index
    // upkeep runs on the gateway's event loop, and the created_at index bounds these scans.
    if (postgres) {
      await queryRunner.createIndex(
        TABLE,
        new TableIndex({ name: KEY_INDEX, columnNames: ['key_id', 'created_at'] }),
      );
      await queryRunner.createIndex(
        TABLE,
        new TableIndex({ name: TEAM_INDEX, columnNames: ['team_id', 'created_at'] }),
      );
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    if (postgres) {
      await queryRunner.dropIndex(TABLE, TEAM_INDEX);
      await queryRunner.dropIndex(TABLE, KEY_INDEX);
    }
    for (const [name] of [...columns('real')].reverse()) {
      await queryRunner.query(`ALTER TABLE ${TABLE} DROP COLUMN ${name}`);
    }
  }
}
