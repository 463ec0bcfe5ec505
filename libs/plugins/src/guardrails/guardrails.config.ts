import type { Provider } from '@nestjs/common';
import { ConfigService, registerAs } from '@nestjs/config';
import { envBoolean, validateEnv } from '@routeiq/config';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsString,
  Matches,
  Max,
  Min,
  ValidateIf,
  type ValidationOptions,
} from 'class-validator';
import { CONTENT_CATEGORIES, type ContentCategory } from './content/content-filter.patterns';
import { envList, envNumber, envText, envWord } from './guardrail-env';
import type { GuardrailAction, GuardrailApplyTo } from './guardrail.types';
import { PII_ENTITIES, type PiiEntity } from './pii/pii.patterns';

type Env = Readonly<Record<string, string | undefined>>;

const APPLY_TO = ['input', 'output', 'both'];
const FLAG_ACTIONS = ['block', 'warn', 'log'];
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const HTTP_URL = /^https?:\/\/[^\s/?#]+(\/[^\s?#]*)?$/;

const oneOf = (values: readonly string[]): ValidationOptions => ({
  message: `must be one of ${values.join(', ')} (got $value)`,
});
const eachOf = (values: readonly string[]): ValidationOptions => ({
  each: true,
  message: `each entry must be one of ${values.join(', ')} (got $value)`,
});
const BOOLEAN: ValidationOptions = { message: 'must be true or false (got $value)' };
const RATIO: ValidationOptions = { message: 'must be a number from 0 to 1 (got $value)' };
const TIMEOUT: ValidationOptions = { message: 'must be an integer from 1 to 600000 (got $value)' };
const CHUNKS: ValidationOptions = { message: 'must be an integer from 1 to 1000 (got $value)' };
const HOLD_BYTES: ValidationOptions = {
  message: 'must be an integer from 1024 to 1073741824 (got $value)',
};
const REQUIRED = (what: string): ValidationOptions => ({ message: `is required when ${what}` });

/** Every guardrail variable, validated at boot; `GuardrailsConfig` is built from it. */
export class GuardrailsEnv {
  @IsBoolean(BOOLEAN) piiEnabled!: boolean;
  @IsIn(['redact', ...FLAG_ACTIONS], oneOf(['redact', ...FLAG_ACTIONS])) piiAction!: string;
  @IsIn(PII_ENTITIES, eachOf(PII_ENTITIES)) piiEntities!: string[];
  @IsIn(APPLY_TO, oneOf(APPLY_TO)) piiApplyTo!: string;

  @IsBoolean(BOOLEAN) injectionEnabled!: boolean;
  @IsIn(FLAG_ACTIONS, oneOf(FLAG_ACTIONS)) injectionAction!: string;
  @Min(0, RATIO) @Max(1, RATIO) injectionThreshold!: number;

  @IsBoolean(BOOLEAN) contentEnabled!: boolean;
  @IsIn(FLAG_ACTIONS, oneOf(FLAG_ACTIONS)) contentAction!: string;
  @IsIn(CONTENT_CATEGORIES, eachOf(CONTENT_CATEGORIES)) contentCategories!: string[];
  @Min(0, RATIO) @Max(1, RATIO) contentThreshold!: number;
  @IsIn(APPLY_TO, oneOf(APPLY_TO)) contentApplyTo!: string;

  @IsBoolean(BOOLEAN) llamaGuardEnabled!: boolean;
  @ValidateIf((env: GuardrailsEnv) => env.llamaGuardEnabled === true)
  @IsString(REQUIRED('LLAMAGUARD_ENABLED is true: a model_name of model_list'))
  @IsNotEmpty(REQUIRED('LLAMAGUARD_ENABLED is true: a model_name of model_list'))
  llamaGuardModel!: string | undefined;
  @IsIn(APPLY_TO, oneOf(APPLY_TO)) llamaGuardApplyTo!: string;
  @IsInt(TIMEOUT) @Min(1, TIMEOUT) @Max(600_000, TIMEOUT) llamaGuardTimeoutMs!: number;
  @IsInt(CHUNKS) @Min(1, CHUNKS) @Max(1000, CHUNKS) llamaGuardMaxChunks!: number;

  @IsBoolean(BOOLEAN) bedrockEnabled!: boolean;
  @ValidateIf((env: GuardrailsEnv) => env.bedrockEnabled === true)
  @IsString(REQUIRED('BEDROCK_GUARDRAIL_ENABLED is true'))
  @IsNotEmpty(REQUIRED('BEDROCK_GUARDRAIL_ENABLED is true'))
  bedrockId!: string | undefined;
  @Matches(/^(DRAFT|[1-9]\d{0,7})$/, { message: 'must be DRAFT or a version number (got $value)' })
  bedrockVersion!: string;
  @ValidateIf((env: GuardrailsEnv) => env.bedrockEnabled === true)
  // The check nearest the property runs first: "required" before "what shape".
  @Matches(REGION, { message: 'must be an AWS region such as us-east-1 (got $value)' })
  @IsString(REQUIRED('BEDROCK_GUARDRAIL_ENABLED is true (or set AWS_REGION)'))
  bedrockRegion!: string | undefined;
  @ValidateIf(
    (env: GuardrailsEnv) => env.bedrockEnabled === true && env.bedrockEndpoint !== undefined,
  )
  @Matches(HTTP_URL, { message: 'must be an http(s) URL without query or fragment (got $value)' })
  bedrockEndpoint!: string | undefined;
  @IsIn(APPLY_TO, oneOf(APPLY_TO)) bedrockApplyTo!: string;
  @IsInt(TIMEOUT) @Min(1, TIMEOUT) @Max(600_000, TIMEOUT) bedrockTimeoutMs!: number;
  @ValidateIf((env: GuardrailsEnv) => env.bedrockEnabled === true)
  @IsString(REQUIRED('BEDROCK_GUARDRAIL_ENABLED is true'))
  awsAccessKeyId!: string | undefined;
  @ValidateIf((env: GuardrailsEnv) => env.bedrockEnabled === true)
  @IsString(REQUIRED('BEDROCK_GUARDRAIL_ENABLED is true'))
  awsSecretAccessKey!: string | undefined;
  awsSessionToken!: string | undefined;

  @IsInt(HOLD_BYTES)
  @Min(1024, HOLD_BYTES)
  @Max(1_073_741_824, HOLD_BYTES)
  streamHoldMaxBytes!: number;
}

export interface PiiSettings {
  readonly enabled: boolean;
  readonly action: GuardrailAction;
  readonly entities: readonly PiiEntity[];
  readonly applyTo: GuardrailApplyTo;
}

export interface InjectionSettings {
  readonly enabled: boolean;
  readonly action: Exclude<GuardrailAction, 'redact'>;
  readonly threshold: number;
}

export interface ContentFilterSettings {
  readonly enabled: boolean;
  readonly action: Exclude<GuardrailAction, 'redact'>;
  readonly categories: readonly ContentCategory[];
  readonly threshold: number;
  readonly applyTo: GuardrailApplyTo;
}

export interface LlamaGuardSettings {
  readonly enabled: boolean;
  /** A `model_name` of the config's `model_list` (checked on every config load). */
  readonly model: string;
  readonly applyTo: GuardrailApplyTo;
  readonly timeoutMs: number;
  /** Most windows a text too long for one call is judged in; a longer one is refused. */
  readonly maxChunks: number;
}

export interface BedrockGuardrailSettings {
  readonly enabled: boolean;
  readonly id: string;
  readonly version: string;
  readonly region: string;
  /** Base URL of bedrock-runtime, without a trailing slash. */
  readonly endpoint: string;
  readonly applyTo: GuardrailApplyTo;
  readonly timeoutMs: number;
  readonly credentials: {
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
    readonly sessionToken?: string;
  };
}

/** The built-in guardrails' settings (also the DI token). */
export class GuardrailsConfig {
  constructor(
    readonly pii: PiiSettings,
    readonly injection: InjectionSettings,
    readonly contentFilter: ContentFilterSettings,
    readonly llamaGuard: LlamaGuardSettings,
    readonly bedrock: BedrockGuardrailSettings,
    /** Most text and tool-call arguments (UTF-8 bytes) LlamaGuard or Bedrock holds of a stream. */
    readonly streamHoldMaxBytes: number,
  ) {}
}

const NAMES: Partial<Record<keyof GuardrailsEnv, string>> = {
  piiEnabled: 'GUARDRAIL_PII_ENABLED',
  piiAction: 'GUARDRAIL_PII_ACTION',
  piiEntities: 'GUARDRAIL_PII_ENTITIES',
  piiApplyTo: 'GUARDRAIL_PII_APPLY_TO',
  injectionEnabled: 'GUARDRAIL_INJECTION_ENABLED',
  injectionAction: 'GUARDRAIL_INJECTION_ACTION',
  injectionThreshold: 'GUARDRAIL_INJECTION_THRESHOLD',
  contentEnabled: 'CONTENT_FILTER_ENABLED',
  contentAction: 'CONTENT_FILTER_ACTION',
  contentCategories: 'CONTENT_FILTER_CATEGORIES',
  contentThreshold: 'CONTENT_FILTER_THRESHOLD',
  contentApplyTo: 'CONTENT_FILTER_APPLY_TO',
  llamaGuardEnabled: 'LLAMAGUARD_ENABLED',
  llamaGuardModel: 'LLAMAGUARD_MODEL',
  llamaGuardApplyTo: 'LLAMAGUARD_APPLY_TO',
  llamaGuardTimeoutMs: 'LLAMAGUARD_TIMEOUT_MS',
  llamaGuardMaxChunks: 'LLAMAGUARD_MAX_CHUNKS',
  bedrockEnabled: 'BEDROCK_GUARDRAIL_ENABLED',
  bedrockId: 'BEDROCK_GUARDRAIL_ID',
  bedrockVersion: 'BEDROCK_GUARDRAIL_VERSION',
  bedrockRegion: 'BEDROCK_GUARDRAIL_REGION',
  bedrockEndpoint: 'BEDROCK_GUARDRAIL_ENDPOINT',
  bedrockApplyTo: 'BEDROCK_GUARDRAIL_APPLY_TO',
  bedrockTimeoutMs: 'BEDROCK_GUARDRAIL_TIMEOUT_MS',
  awsAccessKeyId: 'AWS_ACCESS_KEY_ID',
  awsSecretAccessKey: 'AWS_SECRET_ACCESS_KEY',
  streamHoldMaxBytes: 'GUARDRAIL_STREAM_HOLD_MAX_BYTES',
};

function readEnv(env: Env): Record<keyof GuardrailsEnv, unknown> {
  return {
    piiEnabled: envBoolean(env.GUARDRAIL_PII_ENABLED, false),
    piiAction: envWord(env, 'GUARDRAIL_PII_ACTION', 'redact'),
    piiEntities: envList(env, 'GUARDRAIL_PII_ENTITIES', PII_ENTITIES),
    piiApplyTo: envWord(env, 'GUARDRAIL_PII_APPLY_TO', 'both'),
    injectionEnabled: envBoolean(env.GUARDRAIL_INJECTION_ENABLED, false),
    injectionAction: envWord(env, 'GUARDRAIL_INJECTION_ACTION', 'block'),
    injectionThreshold: envNumber(env, 'GUARDRAIL_INJECTION_THRESHOLD', 0.7),
    contentEnabled: envBoolean(env.CONTENT_FILTER_ENABLED, false),
    contentAction: envWord(env, 'CONTENT_FILTER_ACTION', 'block'),
    contentCategories: envList(env, 'CONTENT_FILTER_CATEGORIES', CONTENT_CATEGORIES),
    contentThreshold: envNumber(env, 'CONTENT_FILTER_THRESHOLD', 0.5),
    contentApplyTo: envWord(env, 'CONTENT_FILTER_APPLY_TO', 'both'),
    llamaGuardEnabled: envBoolean(env.LLAMAGUARD_ENABLED, false),
    llamaGuardModel: envText(env, 'LLAMAGUARD_MODEL'),
    llamaGuardApplyTo: envWord(env, 'LLAMAGUARD_APPLY_TO', 'input'),
    llamaGuardTimeoutMs: envNumber(env, 'LLAMAGUARD_TIMEOUT_MS', 5000),
    // 100 windows hold at least 1.1 million characters: a whole 1 MiB stream hold.
    llamaGuardMaxChunks: envNumber(env, 'LLAMAGUARD_MAX_CHUNKS', 100),
    bedrockEnabled: envBoolean(env.BEDROCK_GUARDRAIL_ENABLED, false),
    bedrockId: envText(env, 'BEDROCK_GUARDRAIL_ID'),
    bedrockVersion: envText(env, 'BEDROCK_GUARDRAIL_VERSION') ?? 'DRAFT',
    bedrockRegion:
      envText(env, 'BEDROCK_GUARDRAIL_REGION') ??
      envText(env, 'AWS_REGION') ??
      envText(env, 'AWS_DEFAULT_REGION'),
    bedrockEndpoint: envText(env, 'BEDROCK_GUARDRAIL_ENDPOINT'),
    bedrockApplyTo: envWord(env, 'BEDROCK_GUARDRAIL_APPLY_TO', 'both'),
    bedrockTimeoutMs: envNumber(env, 'BEDROCK_GUARDRAIL_TIMEOUT_MS', 5000),
    awsAccessKeyId: envText(env, 'AWS_ACCESS_KEY_ID'),
    awsSecretAccessKey: envText(env, 'AWS_SECRET_ACCESS_KEY'),
    awsSessionToken: envText(env, 'AWS_SESSION_TOKEN'),
    streamHoldMaxBytes: envNumber(env, 'GUARDRAIL_STREAM_HOLD_MAX_BYTES', 1_048_576),
  };
}

/** @throws ConfigValidationError naming every bad variable. */
export function resolveGuardrailsConfig(env: Env): GuardrailsConfig {
  const e = validateEnv(GuardrailsEnv, readEnv(env), NAMES);
  return new GuardrailsConfig(
    {
      enabled: e.piiEnabled,
      action: e.piiAction as GuardrailAction,
      entities: e.piiEntities as PiiEntity[],
      applyTo: e.piiApplyTo as GuardrailApplyTo,
    },
    {
      enabled: e.injectionEnabled,
      action: e.injectionAction as InjectionSettings['action'],
      threshold: e.injectionThreshold,
    },
    {
      enabled: e.contentEnabled,
      action: e.contentAction as ContentFilterSettings['action'],
      categories: e.contentCategories as ContentCategory[],
      threshold: e.contentThreshold,
      applyTo: e.contentApplyTo as GuardrailApplyTo,
    },
    {
      enabled: e.llamaGuardEnabled,
      model: e.llamaGuardModel ?? '',
      applyTo: e.llamaGuardApplyTo as GuardrailApplyTo,
      timeoutMs: e.llamaGuardTimeoutMs,
      maxChunks: e.llamaGuardMaxChunks,
    },
    bedrockSettings(e),
    e.streamHoldMaxBytes,
  );
}

function bedrockSettings(e: GuardrailsEnv): BedrockGuardrailSettings {
  const region = e.bedrockRegion ?? '';
  return {
    enabled: e.bedrockEnabled,
    id: e.bedrockId ?? '',
    version: e.bedrockVersion,
    region,
    endpoint: (e.bedrockEndpoint ?? `https://bedrock-runtime.${region}.amazonaws.com`).replace(
      /\/+$/,
      '',
    ),
    applyTo: e.bedrockApplyTo as GuardrailApplyTo,
    timeoutMs: e.bedrockTimeoutMs,
    credentials: {
      accessKeyId: e.awsAccessKeyId ?? '',
      secretAccessKey: e.awsSecretAccessKey ?? '',
      ...(e.awsSessionToken !== undefined && { sessionToken: e.awsSessionToken }),
    },
  };
}

export const guardrailsConfig = registerAs('guardrails', () =>
  resolveGuardrailsConfig(process.env),
);

export const guardrailsConfigProvider: Provider = {
  provide: GuardrailsConfig,
  useFactory: (config: ConfigService) => config.getOrThrow<GuardrailsConfig>('guardrails'),
  inject: [ConfigService],
};
