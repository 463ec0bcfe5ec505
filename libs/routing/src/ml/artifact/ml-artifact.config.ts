import type { Provider } from '@nestjs/common';
import { ConfigService, registerAs } from '@nestjs/config';
import {
  ConfigValidationError,
  envBoolean,
  validateEnv,
  type ConfigProblem,
} from '@routeiq/config';
import { IsBoolean, IsOptional, IsString, MinLength } from 'class-validator';
import { artifactTrustOf, TrustSettingError } from './artifact-trust';

type Environment = Readonly<Record<string, string | undefined>>;

const VARIABLES = {
  enforceSignedModels: 'LLMROUTER_ENFORCE_SIGNED_MODELS',
  publicKeyB64: 'LLMROUTER_MODEL_PUBLIC_KEY_B64',
  publicKeyPath: 'LLMROUTER_MODEL_PUBLIC_KEY_PATH',
  hmacSecret: 'LLMROUTER_MODEL_HMAC_SECRET',
  customRoutersPath: 'LLMROUTER_CUSTOM_ROUTERS_PATH',
} as const;

/** Shortest `LLMROUTER_MODEL_HMAC_SECRET` accepted (and `routeiq sign --hmac-secret-env`). */
export const MIN_HMAC_SECRET_LENGTH = 32;

/** Trust settings for router artifacts and custom routers (also the DI token). */
export class MlArtifactConfig {
  /** `LLMROUTER_ENFORCE_SIGNED_MODELS`, default true: `signature_type: none` is refused. */
  @IsBoolean({ message: 'must be true or false' })
  enforceSignedModels!: boolean;

  /**
   * `LLMROUTER_MODEL_PUBLIC_KEY_B64`: the Ed25519 public key, base64 of its SPKI DER (as printed
   * by `routeiq keygen`) or of the raw 32-byte key.
   */
  @IsOptional()
  @IsString()
  publicKeyB64?: string;

  /** `LLMROUTER_MODEL_PUBLIC_KEY_PATH`: a PEM file holding the Ed25519 public key. */
  @IsOptional()
  @IsString()
  publicKeyPath?: string;

  /** `LLMROUTER_MODEL_HMAC_SECRET`: the shared secret of `hmac-sha256` manifests (UTF-8 bytes). */
  @IsOptional()
  @IsString()
  @MinLength(MIN_HMAC_SECRET_LENGTH, {
    message: `must be at least ${MIN_HMAC_SECRET_LENGTH} characters (e.g. openssl rand -base64 32)`,
  })
  hmacSecret?: string;

  /** `LLMROUTER_CUSTOM_ROUTERS_PATH`: directory of signed custom router modules. */
  @IsOptional()
  @IsString()
  customRoutersPath?: string;
}

/**
 * Reads the artifact trust settings and checks the configured keys can be used.
 * @throws ConfigValidationError naming every bad variable (never echoing a key or secret).
 */
export function resolveMlArtifactConfig(env: Environment): MlArtifactConfig {
  const text = (name: string): string | undefined => env[name]?.trim() || undefined;
  const config = validateEnv(
    MlArtifactConfig,
    {
      enforceSignedModels: envBoolean(env[VARIABLES.enforceSignedModels], true),
      publicKeyB64: text(VARIABLES.publicKeyB64),
      publicKeyPath: text(VARIABLES.publicKeyPath),
      hmacSecret: text(VARIABLES.hmacSecret),
      customRoutersPath: text(VARIABLES.customRoutersPath),
    },
    VARIABLES,
  );
  const problems: ConfigProblem[] = [];
  if (config.publicKeyB64 !== undefined && config.publicKeyPath !== undefined) {
    problems.push({
      path: VARIABLES.publicKeyPath,
      message: `set ${VARIABLES.publicKeyB64} or ${VARIABLES.publicKeyPath}, not both`,
    });
  } else {
    try {
      artifactTrustOf(config);
    } catch (error) {
      if (!(error instanceof TrustSettingError)) throw error;
      problems.push({ path: error.variable, message: error.reason });
    }
  }
  if (problems.length > 0) throw new ConfigValidationError(problems, 'environment');
  return config;
}

export const mlArtifactConfig = registerAs('mlArtifact', () =>
  resolveMlArtifactConfig(process.env),
);

export const mlArtifactConfigProvider: Provider = {
  provide: MlArtifactConfig,
  useFactory: (config: ConfigService) => config.getOrThrow<MlArtifactConfig>('mlArtifact'),
  inject: [ConfigService],
};
