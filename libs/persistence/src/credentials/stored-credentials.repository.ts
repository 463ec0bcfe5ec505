import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';
import { A2aAgentEntity } from '../a2a/a2a-agent.entity';
import { McpServerEntity } from '../mcp/mcp-server.entity';

/** Whose credentials a row holds. */
export type CredentialOwner = 'MCP server' | 'A2A agent';

/** The JSON columns whose values are credentials (names stay readable, values are sealed). */
export type SecretMapColumn = 'static_headers' | 'env';

/** One row's credential columns as stored: sealed (`enc:v1:`) values or legacy plain text. */
export interface StoredCredentialRow {
  readonly owner: CredentialOwner;
  readonly id: string;
  readonly authValue: string | null;
  /** Each JSON column parsed; null when its text is not a JSON object of strings. */
  readonly maps: Readonly<Partial<Record<SecretMapColumn, Record<string, string> | null>>>;
  /** The JSON columns' text as stored: part of the update's condition. */
  readonly mapTexts: Readonly<Partial<Record<SecretMapColumn, string>>>;
}

/** New stored values for a row: `auth_value` and the JSON columns that change. */
export interface StoredCredentialUpdate {
  readonly authValue: string | null;
  readonly maps: Readonly<Partial<Record<SecretMapColumn, Record<string, string>>>>;
}

interface CredentialTable {
  readonly owner: CredentialOwner;
  readonly entity: EntityTarget<ObjectLiteral>;
  readonly table: string;
  readonly idColumn: string;
  readonly mapColumns: readonly SecretMapColumn[];
}

const TABLES: readonly CredentialTable[] = [
  {
    owner: 'MCP server',
    entity: McpServerEntity,
    table: 'mcp_servers',
    idColumn: 'server_id',
    mapColumns: ['static_headers', 'env'],
  },
  {
    owner: 'A2A agent',
    entity: A2aAgentEntity,
    table: 'a2a_agents',
    idColumn: 'agent_id',
    mapColumns: ['static_headers'],
  },
];

const PROPERTY: Readonly<Record<SecretMapColumn, string>> = {
  static_headers: 'staticHeaders',
  env: 'env',
};

type RawRow = { id: string; auth_value: string | null } & Partial<Record<SecretMapColumn, string>>;

/**
 * The credential columns of `mcp_servers` and `a2a_agents`, read and rewritten exactly as stored,
 * for re-sealing them (the boot pass over legacy plain text, `routeiq credentials rekey`).
 * McpServerStore and A2aAgentStore own every other query of those tables. Works inside the
 * caller's transaction (`manager`); never touches another column (`updated_at` included).
 */
export class StoredCredentialsRepository {
  constructor(private readonly manager: EntityManager) {}

  /** Holds off every other writer of both tables until the transaction ends; readers go on. */
  async lockForRewrite(): Promise<void> {
    if (this.manager.connection.options.type === 'postgres') {
      await this.manager.query('LOCK TABLE mcp_servers, a2a_agents IN SHARE ROW EXCLUSIVE MODE');
      return;
    }
    // SQLite: a deferred transaction that reads first cannot write after another process commits
    // (SQLITE_BUSY_SNAPSHOT, without waiting). A write, even of no row, takes the write lock now,
    // waiting up to the busy timeout.
    await this.manager.query('UPDATE mcp_servers SET server_id = server_id WHERE 1 = 0');
  }

  /** Every MCP server's and A2A agent's credential columns, ordered by table then id. */
  async rows(): Promise<StoredCredentialRow[]> {
    const rows: StoredCredentialRow[] = [];
    for (const table of TABLES) {
      const columns = ['auth_value', ...table.mapColumns].join(', ');
      const raw = await this.manager.query<RawRow[]>(
        `SELECT ${table.idColumn} AS id, ${columns} FROM ${table.table} ORDER BY ${table.idColumn}`,
      );
      for (const row of raw) rows.push(credentialRow(table, row));
    }
    return rows;
  }

  /**
   * Writes `update` when the row's credential columns still hold what `row` read; false when
   * another writer changed (or deleted) it meanwhile, which is then left as that writer left it.
   */
  async replace(row: StoredCredentialRow, update: StoredCredentialUpdate): Promise<boolean> {
    const table = tableOf(row.owner);
    const values: ObjectLiteral = { authValue: update.authValue };
    for (const [column, map] of Object.entries(update.maps)) {
      values[PROPERTY[column as SecretMapColumn]] = map;
    }
    const query = this.manager
      .createQueryBuilder()
      .update(table.entity)
      .set(values)
      .where(`${table.idColumn} = :id`, { id: row.id });
    if (row.authValue === null) query.andWhere('auth_value IS NULL');
    else query.andWhere('auth_value = :authBefore', { authBefore: row.authValue });
    for (const column of table.mapColumns) {
      query.andWhere(`${column} = :${column}Before`, { [`${column}Before`]: row.mapTexts[column] });
    }
    const result = await query.execute();
    return (result.affected ?? 0) > 0;
  }
}

function tableOf(owner: CredentialOwner): CredentialTable {
  return TABLES.find((table) => table.owner === owner)!;
}

function credentialRow(table: CredentialTable, raw: RawRow): StoredCredentialRow {
  const maps: Partial<Record<SecretMapColumn, Record<string, string> | null>> = {};
  const mapTexts: Partial<Record<SecretMapColumn, string>> = {};
  for (const column of table.mapColumns) {
    const text = raw[column] ?? '';
    mapTexts[column] = text;
    maps[column] = secretMap(text);
  }
  return { owner: table.owner, id: raw.id, authValue: raw.auth_value, maps, mapTexts };
}

function secretMap(text: string): Record<string, string> | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const entries = Object.entries(value as Record<string, unknown>);
  return entries.every(([, item]) => typeof item === 'string')
    ? (value as Record<string, string>)
    : null;
}
