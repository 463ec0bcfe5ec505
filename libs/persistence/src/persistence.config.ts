import { registerAs } from '@nestjs/config';
import { validateEnv } from '@routeiq/config';
import { IsOptional, Matches } from 'class-validator';

/** Persistence environment: `DATABASE_URL` (optional; without it the gateway uses SQLite). */
export class PersistenceConfig {
  @IsOptional()
  @Matches(/^postgres(?:ql)?:\/\//i, { message: 'must be a postgres:// or postgresql:// URL' })
  databaseUrl?: string;
  /**
   * The secret MCP and A2A credentials are sealed under in the database: `LITELLM_SALT_KEY`, else
   * `LITELLM_MASTER_KEY` (as LiteLLM); neither set, a key file in the data directory.
   */
  @IsOptional() credentialsSecret?: string;
  @IsOptional() credentialsSecretSource?: 'LITELLM_SALT_KEY' | 'LITELLM_MASTER_KEY';
}

type Environment = Readonly<Record<string, string | undefined>>;

/** Validates the persistence variables of an environment; throws ConfigValidationError naming them. */
export function persistenceConfigFromEnv(env: Environment): PersistenceConfig {
  const salt = env.LITELLM_SALT_KEY?.trim() || undefined;
  const master = env.LITELLM_MASTER_KEY?.trim() || undefined;
  return validateEnv(
    PersistenceConfig,
    {
      databaseUrl: env.DATABASE_URL?.trim() || undefined,
      credentialsSecret: salt ?? master,
      credentialsSecretSource: salt
        ? 'LITELLM_SALT_KEY'
        : master
          ? 'LITELLM_MASTER_KEY'
          : undefined,
    },
    { databaseUrl: 'DATABASE_URL' },
  );
}

export const persistenceConfig = registerAs('persistence', () =>
  persistenceConfigFromEnv(process.env),
);
