import { registerAs } from '@nestjs/config';
import { validateEnv } from '@routeiq/config';
import { IsOptional, Matches } from 'class-validator';

/** Persistence environment: `DATABASE_URL` (optional; without it the gateway uses SQLite). */
export class PersistenceConfig {
  @IsOptional()
  @Matches(/^postgres(?:ql)?:\/\//i, { message: 'must be a postgres:// or postgresql:// URL' })
  databaseUrl?: string;
}

type Environment = Readonly<Record<string, string | undefined>>;

/** Validates the persistence variables of an environment; throws ConfigValidationError naming them. */
export function persistenceConfigFromEnv(env: Environment): PersistenceConfig {
  return validateEnv(
    PersistenceConfig,
    { databaseUrl: env.DATABASE_URL?.trim() || undefined },
    { databaseUrl: 'DATABASE_URL' },
  );
}

export const persistenceConfig = registerAs('persistence', () =>
  persistenceConfigFromEnv(process.env),
);
