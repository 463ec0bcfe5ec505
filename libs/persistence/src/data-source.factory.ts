import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type Database from 'better-sqlite3';
import { DataSource } from 'typeorm';
import type { DatabaseTarget } from './database-target';
import { InitialSchema1764320000000 } from './migrations/1764320000000-initial-schema.migration';
import { RequestLogEntity } from './request-log.entity';
import { TeamEntity } from './keys/team.entity';
import { UserSpendEntity } from './keys/user-spend.entity';
import { VirtualKeyEntity } from './keys/virtual-key.entity';
import { KeysAndTeams1764400000000 } from './migrations/1764400000000-keys-and-teams.migration';
import { AuditLogEntity } from './audit-log.entity';
import { AuditLog1764400100000 } from './migrations/1764400100000-audit-log.migration';
import { StoredResponseEntity } from './responses/stored-response.entity';
import { StoredResponses1764400200000 } from './migrations/1764400200000-stored-responses.migration';
import { McpServerEntity } from './mcp/mcp-server.entity';
import { McpServers1764400300000 } from './migrations/1764400300000-mcp-servers.migration';
import { A2aAgentEntity } from './a2a/a2a-agent.entity';
import { A2aAgents1764400400000 } from './migrations/1764400400000-a2a-agents.migration';
import { A2aAccess1764400500000 } from './migrations/1764400500000-a2a-access.migration';
import { RouterTraceEntity } from './router-traces/router-trace.entity';
import { RouterFeedbackEntity } from './router-traces/router-feedback.entity';
import { RouterTraces1764400600000 } from './migrations/1764400600000-router-traces.migration';
import { RequestLogSpend1764400700000 } from './migrations/1764400700000-request-log-spend.migration';
import { McpServerSource1764400800000 } from './migrations/1764400800000-mcp-server-source.migration';

// Explicit lists, never globs: the app is bundled by webpack.
export const PERSISTENCE_ENTITIES = [
  RequestLogEntity,
  TeamEntity,
  VirtualKeyEntity,
  UserSpendEntity,
  AuditLogEntity,
  StoredResponseEntity,
  McpServerEntity,
  A2aAgentEntity,
  RouterTraceEntity,
  RouterFeedbackEntity,
];
export const PERSISTENCE_MIGRATIONS = [
  InitialSchema1764320000000,
  KeysAndTeams1764400000000,
  AuditLog1764400100000,
  StoredResponses1764400200000,
  McpServers1764400300000,
  A2aAgents1764400400000,
  A2aAccess1764400500000,
  RouterTraces1764400600000,
  RequestLogSpend1764400700000,
  McpServerSource1764400800000,
];

/** How long a SQLite writer waits for another process's lock before failing. */
const SQLITE_BUSY_TIMEOUT_MS = 5000;
const POSTGRES_CONNECT_TIMEOUT_MS = 5000;

/** Builds (does not initialise) the TypeORM DataSource for a target. Creates the SQLite directory. */
export function createDataSource(target: DatabaseTarget): DataSource {
  const common = {
    entities: PERSISTENCE_ENTITIES,
    migrations: PERSISTENCE_MIGRATIONS,
    synchronize: false,
    migrationsRun: false,
    logging: false,
  } as const;
  if (target.kind === 'postgres') {
    return new DataSource({
      ...common,
      type: 'postgres',
      url: target.url,
      extra: { connectionTimeoutMillis: POSTGRES_CONNECT_TIMEOUT_MS },
    });
  }
  mkdirSync(dirname(target.path), { recursive: true, mode: 0o700 });
  return new DataSource({
    ...common,
    type: 'better-sqlite3',
    database: target.path,
    timeout: SQLITE_BUSY_TIMEOUT_MS,
    prepareDatabase: (db: Database.Database) => {
      db.pragma('journal_mode = WAL');
      db.pragma(`busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS}`);
      // better-sqlite3 runs on the event loop: with the default synchronous=FULL every commit
      // fsyncs and stalls all requests (p99 of hundreds of ms under load). In WAL mode NORMAL is
      // still crash-safe for the database; only the last commits may be lost on power failure.
      db.pragma('synchronous = NORMAL');
    },
  });
}
