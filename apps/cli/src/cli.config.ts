import { resolve } from 'node:path';
import { persistenceConfigFromEnv } from '@routeiq/persistence';

export interface CliConfig {
  /** `DATABASE_URL`, validated (postgres:// or postgresql://). */
  readonly databaseUrl?: string;
  /** `ROUTEIQ_DATA_DIR` (default `./data`), absolute. */
  readonly dataDir: string;
  /** The environment `os.environ/` references in the YAML config resolve against. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** The CLI's view of the environment; throws ConfigValidationError naming bad variables. */
export function readCliConfig(
  env: Readonly<Record<string, string | undefined>> = process.env,
  cwd: string = process.cwd(),
): CliConfig {
  const { databaseUrl } = persistenceConfigFromEnv(env);
  const dataDir = resolve(cwd, env.ROUTEIQ_DATA_DIR?.trim() || './data');
  return { databaseUrl, dataDir, env: { ...env } };
}
