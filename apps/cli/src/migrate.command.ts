import { loadGatewayConfig } from '@routeiq/config';
import {
  createDataSource,
  describeDatabaseTarget,
  resolveDatabaseTarget,
  revertLastMigration,
  runMigrationsLocked,
} from '@routeiq/persistence';
import type { DataSource } from 'typeorm';
import type { CliConfig } from './cli.config';

export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

/**
 * Opens the database the gateway would use: DATABASE_URL > the config's database_url > SQLite.
 * `note` gets one line naming it.
 */
export async function openDatabase(
  config: CliConfig,
  configFile: string | undefined,
  note: (line: string) => void,
): Promise<DataSource> {
  const configUrl = configFile
    ? loadGatewayConfig(configFile, config.env).config.generalSettings.database_url
    : undefined;
  const target = resolveDatabaseTarget({
    envUrl: config.databaseUrl,
    configUrl,
    dataDir: config.dataDir,
  });
  note(`database: ${describeDatabaseTarget(target)}`);
  return createDataSource(target).initialize();
}

/**
 * The gateway's database, refused while migrations are pending (the tables may be missing).
 * Its name goes to stderr.
 */
export async function openMigratedDatabase(
  config: CliConfig,
  configFile: string | undefined,
  io: CliOutput,
): Promise<DataSource> {
  const dataSource = await openDatabase(config, configFile, (line) => io.err(line));
  if (await dataSource.showMigrations()) {
    await dataSource.destroy();
    throw new Error('the database has pending migrations: run routeiq migrate first');
  }
  return dataSource;
}

export async function migrateCommand(
  config: CliConfig,
  configFile: string | undefined,
  io: CliOutput,
): Promise<void> {
  const dataSource = await openDatabase(config, configFile, (line) => io.out(line));
  try {
    const applied = await runMigrationsLocked(dataSource);
    for (const name of applied) io.out(`applied ${name}`);
    io.out(applied.length === 0 ? 'no pending migrations' : `${applied.length} migrations applied`);
  } finally {
    await dataSource.destroy();
  }
}

export async function revertCommand(
  config: CliConfig,
  configFile: string | undefined,
  io: CliOutput,
): Promise<void> {
  const dataSource = await openDatabase(config, configFile, (line) => io.out(line));
  try {
    const reverted = await revertLastMigration(dataSource);
    io.out(reverted ? `reverted ${reverted}` : 'no migration to revert');
  } finally {
    await dataSource.destroy();
  }
}
