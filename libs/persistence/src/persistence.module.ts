import { Global, Logger, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { ConfigStore, ServerConfig } from '@routeiq/config';
import { DataSource } from 'typeorm';
import { createDataSource } from './data-source.factory';
import {
  type DatabaseTarget,
  describeDatabaseTarget,
  resolveDatabaseTarget,
} from './database-target';
import { DatabaseHealth } from './database.health';
import { runMigrationsLocked } from './migration.runner';
import { PersistenceConfig, persistenceConfig } from './persistence.config';
import { PersistenceLifecycle } from './persistence.lifecycle';
import { RequestLogQueryService } from './request-log-query.service';
import { RequestLogRepository } from './request-log.repository';
import { RequestLogWriter } from './request-log.writer';
import { SpendStore, SpendWriter, TeamStore, VirtualKeyStore } from './keys';
import { StoredResponseStore } from './responses';
import { McpServerStore } from './mcp';
import { CredentialCipher } from './credentials/credential-cipher';
import { credentialCipherFor } from './credentials/credential-key';
import {
  type CredentialSealCount,
  sealPlaintextCredentials,
} from './credentials/credential-reseal';
import { A2aAgentStore } from './a2a';

/** Resolved database target; internal to this module. */
abstract class DatabaseTargetToken {}

async function openDataSource(
  target: DatabaseTarget,
  cipher: CredentialCipher,
): Promise<DataSource> {
  const logger = new Logger('Persistence');
  const dataSource = createDataSource(target);
  await dataSource.initialize();
  try {
    let sealed: CredentialSealCount = { mcpServers: 0, a2aAgents: 0 };
    const applied = await runMigrationsLocked(
      dataSource,
      (message) => logger.log(message),
      async () => {
        sealed = await sealPlaintextCredentials(dataSource, cipher);
      },
    );
    logger.log(
      `database ready: ${describeDatabaseTarget(target)} (${applied.length} migrations applied)`,
    );
    if (sealed.mcpServers + sealed.a2aAgents > 0) {
      logger.log(
        `credentials stored in plain text sealed: MCP servers ${sealed.mcpServers}, ` +
          `A2A agents ${sealed.a2aAgents}`,
      );
    }
    return dataSource;
  } catch (error) {
    await dataSource.destroy();
    throw error;
  }
}

/**
 * The database: Postgres when `DATABASE_URL` or `general_settings.database_url` is set, otherwise
 * SQLite in the data directory. Migrations run at start-up. Import once, in the app module.
 */
@Global()
@Module({
  imports: [ConfigModule.forFeature(persistenceConfig)],
  providers: [
    {
      provide: PersistenceConfig,
      useFactory: (config: ConfigService) => config.getOrThrow<PersistenceConfig>('persistence'),
      inject: [ConfigService],
    },
    {
      provide: DatabaseTargetToken,
      useFactory: (env: PersistenceConfig, server: ServerConfig, store: ConfigStore) =>
        resolveDatabaseTarget({
          envUrl: env.databaseUrl,
          configUrl: store.current.generalSettings.database_url,
          dataDir: server.dataDir,
        }),
      inject: [PersistenceConfig, ServerConfig, ConfigStore],
    },
    {
      provide: DataSource,
      useFactory: openDataSource,
      inject: [DatabaseTargetToken, CredentialCipher],
    },
    {
      provide: CredentialCipher,
      useFactory: (env: PersistenceConfig, server: ServerConfig, target: DatabaseTarget) =>
        credentialCipherFor(env, server.dataDir, target),
      inject: [PersistenceConfig, ServerConfig, DatabaseTargetToken],
    },
    {
      provide: RequestLogRepository,
      useFactory: (dataSource: DataSource) => new RequestLogRepository(dataSource),
      inject: [DataSource],
    },
    {
      provide: RequestLogWriter,
      useFactory: (repository: RequestLogRepository) => new RequestLogWriter(repository),
      inject: [RequestLogRepository],
    },
    {
      provide: DatabaseHealth,
      useFactory: (dataSource: DataSource, target: DatabaseTarget) =>
        new DatabaseHealth(dataSource, target),
      inject: [DataSource, DatabaseTargetToken],
    },
    RequestLogQueryService,
    PersistenceLifecycle,
    VirtualKeyStore,
    TeamStore,
    SpendStore,
    SpendWriter,
    StoredResponseStore,
    McpServerStore,
    A2aAgentStore,
  ],
  exports: [
    DataSource,
    RequestLogWriter,
    DatabaseHealth,
    RequestLogQueryService,
    VirtualKeyStore,
    TeamStore,
    SpendStore,
    SpendWriter,
    StoredResponseStore,
    McpServerStore,
    A2aAgentStore,
  ],
})
export class PersistenceModule {}
