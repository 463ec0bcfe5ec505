import {
  CredentialCipher,
  credentialKeyPath,
  type CredentialRekeySummary,
  persistenceConfigFromEnv,
  readCredentialKeyFile,
  rekeyCredentials,
  withMigrationLock,
} from '@routeiq/persistence';
import { CliUsageError, parseCommandArgs, type CliCommand } from './cli-command';
import type { CliConfig } from './cli.config';
import { openMigratedDatabase } from './migrate.command';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A secret and where it came from (printed; the secret never is). */
interface Secret {
  readonly value: string;
  readonly source: string;
}

/** The old secret: `--from-env NAME` or `--from-key-file PATH`, exactly one. */
function oldSecret(values: Record<string, unknown>, config: CliConfig): Secret {
  const name = values['from-env'] as string | undefined;
  const file = values['from-key-file'] as string | undefined;
  if ((name === undefined) === (file === undefined)) {
    throw new CliUsageError('give exactly one of --from-env <NAME> or --from-key-file <path>');
  }
  if (file !== undefined) return { value: readCredentialKeyFile(file), source: `key file ${file}` };
  if (!ENV_NAME.test(name!)) {
    throw new CliUsageError('--from-env takes the name of an environment variable');
  }
  const value = config.env[name!]?.trim();
  if (!value) throw new Error(`${name} (--from-env) is not set`);
  return { value, source: name! };
}

/** The secret the gateway seals under now, resolved as it does (without creating a key file). */
function newSecret(config: CliConfig): Secret {
  const env = persistenceConfigFromEnv(config.env);
  if (env.credentialsSecret && env.credentialsSecretSource) {
    return { value: env.credentialsSecret, source: env.credentialsSecretSource };
  }
  const file = credentialKeyPath(config.dataDir);
  try {
    return { value: readCredentialKeyFile(file), source: `key file ${file}` };
  } catch (error) {
    throw new Error(
      `no new secret: LITELLM_SALT_KEY and LITELLM_MASTER_KEY are unset and ${(error as Error).message}`,
    );
  }
}

function summaryLine(summary: CredentialRekeySummary, dryRun: boolean): string {
  const counts =
    `${summary.resealed} sealed values re-sealed, ${summary.sealedPlaintext} plain-text values ` +
    `sealed, ${summary.alreadyCurrent} already under the new secret`;
  return dryRun
    ? `dry run: would rewrite ${summary.rows} MCP server and A2A agent rows (${counts}); nothing written`
    : `rewrote ${summary.rows} MCP server and A2A agent rows (${counts})`;
}

/** `routeiq credentials rekey`: re-seals stored credentials from the old secret to the new one. */
export const credentialsCommand: CliCommand = {
  name: 'credentials',
  summary: 'rekey: re-seal stored MCP and A2A credentials under a new secret',
  usage: `Usage: routeiq credentials rekey (--from-env <NAME> | --from-key-file <path>)
                               [--dry-run] [--config <file>]

Re-seals every MCP server and A2A agent credential stored in the database (auth_value, static
header values, MCP stdio env values) from the old secret to the one the gateway uses now:
LITELLM_SALT_KEY, else LITELLM_MASTER_KEY, else the key file ROUTEIQ_DATA_DIR/credentials_key.
Values still in plain text are sealed too; values the new secret already opens are left. One
transaction: if a value opens under neither secret, nothing is changed and the command names it
and exits 1. Secrets are never printed.

  --from-env <NAME>       environment variable holding the old secret
  --from-key-file <path>  file holding the old secret (a gateway-generated credentials_key)
  --dry-run               check every value and print the counts; write nothing
  --config <file>         LiteLLM-format YAML config (read for general_settings.database_url)

The database is DATABASE_URL, else general_settings.database_url, else SQLite in
ROUTEIQ_DATA_DIR (default ./data).`,
  async run(args, { config, io }) {
    const { values, positionals } = parseCommandArgs(
      args,
      {
        'from-env': { type: 'string' },
        'from-key-file': { type: 'string' },
        'dry-run': { type: 'boolean' },
        config: { type: 'string' },
      },
      true,
    );
    if (positionals.length === 0) throw new CliUsageError('missing subcommand: rekey');
    if (positionals.join(' ') !== 'rekey') {
      throw new CliUsageError(`unknown subcommand ${positionals.join(' ')}`);
    }
    const from = oldSecret(values, config);
    const to = newSecret(config);
    if (from.value === to.value) {
      throw new Error(
        `the old secret (${from.source}) is the one the gateway uses now (${to.source}): ` +
          'set the new secret first',
      );
    }
    const dryRun = values['dry-run'] === true;
    const dataSource = await openMigratedDatabase(config, values.config as string | undefined, io);
    try {
      io.err(`old secret: ${from.source}; new secret: ${to.source}`);
      const summary = await withMigrationLock(dataSource, () =>
        rekeyCredentials(
          dataSource,
          new CredentialCipher(from.value),
          new CredentialCipher(to.value),
          { dryRun },
        ),
      );
      io.out(summaryLine(summary, dryRun));
    } finally {
      await dataSource.destroy();
    }
  },
};
