import type { Provider } from '@nestjs/common';
import { ConfigService, registerAs } from '@nestjs/config';
import { IsOptional } from 'class-validator';
import { BooleanValue, Check, NonEmptyString } from '../config-rules';
import { ConfigValidationError } from '../config-validation.error';
import { envBoolean, validateEnv } from '../env-validation';

type Environment = Readonly<Record<string, string | undefined>>;

const VARIABLES = {
  bucket: 'CONFIG_S3_BUCKET',
  key: 'CONFIG_S3_KEY',
  syncIntervalSeconds: 'CONFIG_SYNC_INTERVAL',
  hotReload: 'CONFIG_HOT_RELOAD',
  forcePathStyle: 'CONFIG_S3_FORCE_PATH_STYLE',
} as const;

export const DEFAULT_CONFIG_SYNC_INTERVAL_SECONDS = 60;

/**
 * Where the YAML config comes from when it lives in S3 (or an S3-compatible store). Endpoint,
 * region and credentials are the AWS SDK's own (`AWS_REGION`, `AWS_ACCESS_KEY_ID`…,
 * `AWS_ENDPOINT_URL_S3`). Also the DI token of the `configS3` namespace.
 */
export class S3ConfigSourceConfig {
  /** `CONFIG_S3_BUCKET`; set together with `key` or not at all. */
  @IsOptional() @NonEmptyString() bucket?: string;
  /** `CONFIG_S3_KEY`: the object holding the LiteLLM-format YAML. */
  @IsOptional() @NonEmptyString() key?: string;
  /** `CONFIG_SYNC_INTERVAL`: seconds between the leader's polls (default 60). */
  @Check(
    'syncInterval',
    (v) => Number.isInteger(v) && Number(v) >= 1,
    (v) => `must be a whole number of seconds >= 1 (got ${JSON.stringify(v)})`,
  )
  syncIntervalSeconds!: number;
  /** `CONFIG_HOT_RELOAD` (default true): poll for changes; false downloads once at start only. */
  @BooleanValue('must be true or false') hotReload!: boolean;
  /** `CONFIG_S3_FORCE_PATH_STYLE` (default false): `<endpoint>/<bucket>/<key>`, as MinIO wants. */
  @BooleanValue('must be true or false') forcePathStyle!: boolean;

  /** Whether the config comes from S3 at all. */
  get enabled(): boolean {
    return this.bucket !== undefined && this.key !== undefined;
  }
}

/**
 * Reads the `CONFIG_S3_*` / `CONFIG_SYNC_INTERVAL` / `CONFIG_HOT_RELOAD` variables.
 * @throws ConfigValidationError naming every bad variable (only one of bucket and key set names
 * both).
 */
export function s3ConfigSourceFromEnv(env: Environment): S3ConfigSourceConfig {
  const text = (name: string): string | undefined => env[name]?.trim() || undefined;
  const interval = text(VARIABLES.syncIntervalSeconds);
  const config = validateEnv(
    S3ConfigSourceConfig,
    {
      bucket: text(VARIABLES.bucket),
      key: text(VARIABLES.key),
      syncIntervalSeconds:
        interval === undefined
          ? DEFAULT_CONFIG_SYNC_INTERVAL_SECONDS
          : Number.isFinite(Number(interval))
            ? Number(interval)
            : interval,
      hotReload: envBoolean(env[VARIABLES.hotReload], true),
      forcePathStyle: envBoolean(env[VARIABLES.forcePathStyle], false),
    },
    VARIABLES,
  );
  if ((config.bucket === undefined) !== (config.key === undefined)) {
    const [set, missing] =
      config.bucket === undefined
        ? [VARIABLES.key, VARIABLES.bucket]
        : [VARIABLES.bucket, VARIABLES.key];
    throw new ConfigValidationError(
      [
        {
          path: missing,
          message: `is required when ${set} is set: set both ${VARIABLES.bucket} and ${VARIABLES.key} to load the config from S3, or neither`,
        },
      ],
      'environment',
    );
  }
  return Object.freeze(config);
}

/** The `configS3` namespace, read once at boot. */
export const s3ConfigSourceConfig = registerAs('configS3', () =>
  s3ConfigSourceFromEnv(process.env),
);

/** Makes the class `S3ConfigSourceConfig` an injectable token for the `configS3` namespace. */
export function s3ConfigSourceProvider(): Provider {
  return {
    provide: S3ConfigSourceConfig,
    useFactory: (config: ConfigService) => config.getOrThrow<S3ConfigSourceConfig>('configS3'),
    inject: [ConfigService],
  };
}
