import type { DeploymentConfig } from '@routeiq/config';
import {
  PRICE_FIELDS,
  type DeploymentPrices,
  type ModelPriceEntry,
  type PriceField,
} from '../cost.types';
import { SHIPPED_PRICES, type PriceTable } from './price-table';

/**
 * Applied in order, each to the result of the previous one, so a provider's model id is tried
 * from its most specific form to its family name; the first form the table knows wins (a dated
 * snapshot priced apart, like `gpt-4o-2024-05-13`, is found before its family).
 */
const NORMALISATIONS: readonly RegExp[] = [
  // Gemini's resource names.
  /^models\//,
  // Bedrock cross-region inference profiles: `us.anthropic.…`, `eu.meta.…`.
  /^(?:us|eu|apac|ap|jp|au|ca|us-gov|global)\.(?=[a-z0-9-]+\.)/,
  // Bedrock model versions: `-v1:0`, `-v1`.
  /-v\d+(?::\d+)?$/,
  // Claude on Bedrock is priced as Anthropic's own.
  /^anthropic\./,
  // Vertex AI versions: `claude-3-5-sonnet-v2@20241022`.
  /@\d{8}$/,
  /-v\d+$/,
  // Dated snapshots: `gpt-4o-2024-08-06`, `claude-3-5-sonnet-20241022`.
  /-(?:\d{4}-\d{2}-\d{2}|\d{8})$/,
  // `-latest` aliases, Gemini's `-001`, OpenAI's `-0613`.
  /-(?:latest|\d{3,4})$/,
];

/** The names a deployment's model is looked up under, most specific first. */
export function priceLookupNames(config: DeploymentConfig): string[] {
  const names = new Set<string>();
  const baseModel = config.modelInfo.extra.base_model;
  if (typeof baseModel === 'string' && baseModel !== '') {
    const lower = baseModel.toLowerCase();
    names.add(lower);
    const slash = lower.indexOf('/');
    if (slash >= 0) normalised(lower.slice(slash + 1), names);
  }
  names.add(config.litellmParams.model.toLowerCase());
  names.add(`${config.provider}/${config.upstreamModel}`.toLowerCase());
  normalised(config.upstreamModel.toLowerCase(), names);
  return [...names];
}

function normalised(model: string, names: Set<string>): void {
  let name = model;
  names.add(name);
  for (const pattern of NORMALISATIONS) {
    name = name.replace(pattern, '');
    if (name !== '') names.add(name);
  }
}

/** The shipped table's entry for a deployment's model, if any. */
export function tablePricesOf(
  config: DeploymentConfig,
  table: PriceTable = SHIPPED_PRICES,
): { model: string; prices: ModelPriceEntry } | undefined {
  // A mock deployment answers offline: free unless its model_info says otherwise.
  if (config.provider === 'mock') return undefined;
  for (const name of priceLookupNames(config)) {
    const found = table.find(name);
    if (found) return found;
  }
  return undefined;
}

/**
 * A `model_info` price: the typed keys, or the LiteLLM keys the config keeps in `extra`. Numbers
 * or numeric strings >= 0; anything else is no override (and is reported by `invalidOverrides`).
 */
export function modelInfoPrice(config: DeploymentConfig, field: PriceField): number | undefined {
  const info = config.modelInfo as unknown as Readonly<Record<string, unknown>>;
  const raw = info[field] ?? config.modelInfo.extra[field];
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** `model_info` price keys that are set but not a number >= 0. */
export function invalidOverrides(config: DeploymentConfig): PriceField[] {
  const info = config.modelInfo as unknown as Readonly<Record<string, unknown>>;
  return PRICE_FIELDS.filter((field) => {
    const raw = info[field] ?? config.modelInfo.extra[field];
    return raw !== undefined && raw !== null && modelInfoPrice(config, field) === undefined;
  });
}

const resolved = new WeakMap<DeploymentConfig, DeploymentPrices>();

/**
 * A deployment's prices: the table's entry for its model, overridden field by field by its
 * `model_info`. Deployment configs are immutable (a reload makes new ones), so the answer is
 * memoised per config object.
 */
export function deploymentPrices(config: DeploymentConfig): DeploymentPrices {
  let prices = resolved.get(config);
  if (!prices) {
    prices = resolvePrices(config);
    resolved.set(config, prices);
  }
  return prices;
}

function resolvePrices(config: DeploymentConfig): DeploymentPrices {
  const table = tablePricesOf(config);
  const price = (field: PriceField): number | undefined =>
    modelInfoPrice(config, field) ?? table?.prices[field];
  const overridden = PRICE_FIELDS.some((field) => modelInfoPrice(config, field) !== undefined);
  const input = price('input_cost_per_token') ?? 0;
  const output = price('output_cost_per_token') ?? 0;
  return {
    input,
    output,
    cacheRead: price('cache_read_input_token_cost') ?? input,
    cacheCreation: price('cache_creation_input_token_cost') ?? input,
    reasoning: price('output_cost_per_reasoning_token'),
    source: table
      ? overridden
        ? 'table+model_info'
        : 'table'
      : overridden
        ? 'model_info'
        : 'none',
    tableModel: table?.model,
  };
}
