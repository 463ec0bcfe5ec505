import { scrubSecrets } from '@routeiq/common';
import type { DeploymentConfig, GatewayConfig } from '@routeiq/config';

/** What the view shows in place of every secret-looking or environment-resolved value. */
export const SECRET_MASK = '****';

/** `GET /config/effective`: the live config as the console shows it. */
export interface EffectiveConfigView {
  readonly generation: number;
  readonly loaded_at: string;
  readonly source_path: string;
  readonly config: {
    readonly model_list: unknown[];
    readonly router_settings: unknown;
    readonly general_settings: unknown;
    readonly litellm_settings: unknown;
  };
}

// Matched against snake_case segments, so `max_tokens` or `input_cost_per_token` (numbers anyway)
// are not taken for `token`, while `api_key`, `awsSecretAccessKey` or `x-auth-token` are.
const SECRET_NAME =
  /(^|_)(api_?key|secret|password|passwd|pwd|token|auth|authorization|bearer|credentials?|master_key|private_key|access_key|dsn|connection_string|database_url|db_url|redis_url|signature|cookie)(_|$)/;
const HEADER_MAP_NAME = /(^|_)headers?$/;

interface MaskContext {
  /** Values of the environment the config was resolved against: `os.environ/` results. */
  readonly environmentValues: ReadonlySet<string>;
}

/**
 * The config with every value that may be a secret replaced by `****`: values under secret-like
 * names (api_key, master_key, database_url, passwords, tokens…), every header value, every string
 * equal to an environment value (what `os.environ/` references resolve to), and any string holding
 * a key, bearer token or URL password.
 */
export function effectiveConfigView(
  config: GatewayConfig,
  meta: { readonly generation: number; readonly loadedAt: Date },
): EffectiveConfigView {
  const environmentValues = new Set(
    Object.values(config.environment).filter((v): v is string => typeof v === 'string' && v !== ''),
  );
  const context: MaskContext = { environmentValues };
  const { extra: routerExtra, ...router } = config.routerSettings;
  const { extra: generalExtra, ...general } = config.generalSettings;
  return {
    generation: meta.generation,
    loaded_at: meta.loadedAt.toISOString(),
    source_path: config.sourcePath,
    config: {
      model_list: config.modelList.map((d) => maskValue(deploymentView(d), '', context)),
      router_settings: maskValue({ ...routerExtra, ...router }, '', context),
      general_settings: maskValue({ ...generalExtra, ...general }, '', context),
      litellm_settings: maskValue(config.litellmSettings, '', context),
    },
  };
}

function deploymentView(deployment: DeploymentConfig): Record<string, unknown> {
  const { extra: paramsExtra, ...params } = deployment.litellmParams;
  const { extra: infoExtra, ...info } = deployment.modelInfo;
  return {
    model_name: deployment.modelName,
    provider: deployment.provider,
    litellm_params: { ...paramsExtra, ...params },
    model_info: { ...infoExtra, ...info },
  };
}

/** Masks `value` found under the property `name`; `secret` marks everything below as secret. */
export function maskValue(
  value: unknown,
  name: string,
  context: MaskContext,
  secret = false,
): unknown {
  if (typeof value === 'string') return maskString(value, secret || isSecretName(name), context);
  if (Array.isArray(value)) return value.map((item) => maskValue(item, name, context, secret));
  if (typeof value !== 'object' || value === null) return value;
  const below = secret || HEADER_MAP_NAME.test(snakeCase(name)) || isSecretName(name);
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, child]) => [
      key,
      maskValue(child, key, context, below),
    ]),
  );
}

function maskString(value: string, secret: boolean, context: MaskContext): string {
  if (value === '') return value;
  const masked = secret || context.environmentValues.has(value) || scrubSecrets(value) !== value;
  return masked ? SECRET_MASK : value;
}

function isSecretName(name: string): boolean {
  return name !== '' && SECRET_NAME.test(snakeCase(name));
}

function snakeCase(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_');
}
