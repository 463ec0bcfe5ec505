import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import {
  DATASET_FORMATS,
  featurizerOptionsOf,
  type HashedTfidfFeaturizer,
  type DatasetFormat,
  isQualityModelKind,
  loadDataset,
  type LoadedDataset,
  type QualityModelKind,
} from '@routeiq/routing';
import { CliUsageError } from '../cli-command';

/** Options every data-reading ML command shares, for `parseCommandArgs`. */
export const DATA_OPTIONS = {
  data: { type: 'string' },
  format: { type: 'string' },
  prices: { type: 'string' },
  exclude: { type: 'string' },
} as const;

export const DATA_USAGE = `  --data <file|dir>        score data: LLMRouter routing matrix (JSONL {query, scores}), dcrouter
                           JSON array ({question, scores}), LLMRouter long format (JSONL
                           {query, model_name, performance, ...}), or RouteLLM CSV (a file or a
                           directory of them). Exact duplicate queries are merged (scores averaged).
  --format <name>          ${DATASET_FORMATS.join(' | ')} (default auto)
  --prices <file>          model prices, LLMRouter default_llm.json shape ($/1M tokens, size):
                           per-call costs = price x (query tokens + a 256-token answer), estimated
  --exclude <file>         RouteLLM contaminated_prompts.jsonl: drop rows with these prompts`;

/** `key=value` pairs: numbers and true/false are typed, anything else stays a string. */
export function parseKeyValues(pairs: unknown, flag: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const pair of (pairs as string[] | undefined) ?? []) {
    const at = pair.indexOf('=');
    if (at <= 0) throw new CliUsageError(`${flag} takes key=value, got ${JSON.stringify(pair)}`);
    const key = pair.slice(0, at);
    const raw = pair.slice(at + 1);
    const number = raw.trim() === '' ? NaN : Number(raw);
    out[key] =
      raw === 'true' ? true : raw === 'false' ? false : Number.isFinite(number) ? number : raw;
  }
  return out;
}

/** An integer option in [min, max], or `fallback` when absent. */
export function integerOption(
  value: unknown,
  flag: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new CliUsageError(`${flag} must be an integer from ${min} to ${max}`);
  }
  return number;
}

/** A number option in [min, max], or `fallback` when absent. */
export function numberOption(
  value: unknown,
  flag: string,
  fallback: number | undefined,
  min: number,
  max: number,
): number | undefined {
  if (value === undefined) return fallback;
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  if (!Number.isFinite(number) || number < min || number > max) {
    throw new CliUsageError(`${flag} must be a number from ${min} to ${max}`);
  }
  return number;
}

export function routerKindOption(value: unknown): QualityModelKind {
  if (value === undefined) throw new CliUsageError('--router <knn|mlp|svm|mf|elo> is required');
  if (!isQualityModelKind(value))
    throw new CliUsageError(`--router must be one of knn, mlp, svm, mf, elo`);
  return value;
}

/** Loads `--data` with `--format`, `--prices` and `--exclude`. */
export function loadDataOption(values: Record<string, unknown>): LoadedDataset {
  const data = values.data as string | undefined;
  if (!data) throw new CliUsageError('--data <file|dir> is required');
  const format = (values.format as string | undefined) ?? 'auto';
  if (!(DATASET_FORMATS as readonly string[]).includes(format)) {
    throw new CliUsageError(`--format must be one of ${DATASET_FORMATS.join(', ')}`);
  }
  for (const flag of ['data', 'prices', 'exclude'] as const) {
    const path = values[flag] as string | undefined;
    if (path !== undefined && !existsSync(path))
      throw new Error(`--${flag} ${path} does not exist`);
  }
  return loadDataset(data, {
    format: format as DatasetFormat,
    pricesPath: values.prices as string | undefined,
    excludePath: values.exclude as string | undefined,
  });
}

/** One line about what was read: `data.jsonl (score-matrix): 5989 queries × 9 candidates, …`. */
export function describeDataset(path: string, dataset: LoadedDataset): string {
  const { matrix, stats } = dataset;
  const notes = [
    `${stats.rows} rows`,
    stats.duplicateQueries > 0 ? `${stats.duplicateQueries} duplicated queries merged` : undefined,
    stats.dropped > 0 ? `${stats.dropped} dropped` : undefined,
    matrix.costs ? 'costs known' : 'no costs',
  ].filter((note) => note !== undefined);
  return `data: ${basename(path)} (${dataset.format}): ${matrix.queries.length} queries x ${matrix.candidates.length} candidates (${notes.join(', ')})`;
}

/** `--strong`/`--weak` names → candidate indices (both or neither). */
export function pairOption(
  values: Record<string, unknown>,
  candidates: readonly string[],
): { strong: number; weak: number } | undefined {
  const strong = values.strong as string | undefined;
  const weak = values.weak as string | undefined;
  if (strong === undefined && weak === undefined) return undefined;
  if (strong === undefined || weak === undefined)
    throw new CliUsageError('give both --strong and --weak');
  const pair = { strong: candidates.indexOf(strong), weak: candidates.indexOf(weak) };
  for (const [flag, index] of Object.entries(pair)) {
    if (index === -1)
      throw new CliUsageError(`--${flag} must be one of the candidates: ${candidates.join(', ')}`);
  }
  if (pair.strong === pair.weak) throw new CliUsageError('--strong and --weak must differ');
  return pair;
}

/** `--feature-option key=value` pairs, checked by name. */
export function featureOptions(
  values: Record<string, unknown>,
): Parameters<typeof HashedTfidfFeaturizer.fit>[1] {
  try {
    return featurizerOptionsOf(parseKeyValues(values['feature-option'], '--feature-option'));
  } catch (error) {
    if (error instanceof RangeError) throw new CliUsageError(`--feature-option: ${error.message}`);
    throw error;
  }
}

/** Featurizers `routeiq train` can fit: the built-in offline one, or remote embeddings. */
export const FEATURIZER_KINDS = ['hashed-tfidf', 'remote-embedding'] as const;
export type FeaturizerKind = (typeof FEATURIZER_KINDS)[number];

/** The remote-embedding options of `routeiq train`, for `parseCommandArgs`. */
export const EMBEDDING_OPTIONS = {
  featurizer: { type: 'string' },
  'embed-base-url': { type: 'string' },
  'embed-model': { type: 'string' },
  'embed-api-key-env': { type: 'string' },
  'embed-batch': { type: 'string' },
} as const;

export const EMBEDDING_USAGE = `  --featurizer <kind>      hashed-tfidf (default: built in, offline) or remote-embedding (each
                           query embedded through an OpenAI-compatible /v1/embeddings endpoint,
                           normally the gateway itself; the router then embeds every prompt through
                           the same model group before routing it)
  --embed-base-url <url>   remote-embedding: the endpoint's base URL, e.g. http://127.0.0.1:4000/v1
  --embed-model <group>    remote-embedding: the embedding model group, as named in the gateway
                           config (the artifact records it; the gateway embeds prompts with it)
  --embed-api-key-env <N>  remote-embedding: the environment variable holding the endpoint's API
                           key (a gateway key); the key is never taken from a flag nor printed
  --embed-batch <n>        remote-embedding: queries per embeddings request (default 64, 1-2048)`;

/** Where and how `routeiq train` embeds queries (`--featurizer remote-embedding`). */
export interface EmbeddingEndpoint {
  /** Base URL without a trailing slash; `/embeddings` is appended. */
  readonly baseUrl: string;
  readonly model: string;
  /** From the environment variable `--embed-api-key-env` names. */
  readonly apiKey?: string;
  readonly batch: number;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** `--featurizer`, checked against the `--embed-*` and `--feature-option` flags given. */
export function featurizerKindOption(values: Record<string, unknown>): FeaturizerKind {
  const kind = (values.featurizer as string | undefined) ?? 'hashed-tfidf';
  if (!(FEATURIZER_KINDS as readonly string[]).includes(kind)) {
    throw new CliUsageError(`--featurizer must be one of ${FEATURIZER_KINDS.join(', ')}`);
  }
  const embedFlags = Object.keys(EMBEDDING_OPTIONS).filter(
    (flag) => flag.startsWith('embed-') && values[flag] !== undefined,
  );
  if (kind === 'hashed-tfidf' && embedFlags.length > 0) {
    throw new CliUsageError(`--${embedFlags[0]} needs --featurizer remote-embedding`);
  }
  if (kind === 'remote-embedding' && values['feature-option'] !== undefined) {
    throw new CliUsageError(
      '--feature-option sets hashed-tfidf options, not remote-embedding ones',
    );
  }
  return kind as FeaturizerKind;
}

/**
 * The embeddings endpoint of `--featurizer remote-embedding`: an http(s) base URL given
 * explicitly (no credentials in it), the model group, the API key read from the environment.
 * @throws CliUsageError naming the bad or missing flag (never the key).
 */
export function embeddingEndpointOption(
  values: Record<string, unknown>,
  env: Readonly<Record<string, string | undefined>>,
): EmbeddingEndpoint {
  const base = values['embed-base-url'] as string | undefined;
  if (!base) throw new CliUsageError('--embed-base-url <url> is required with remote-embedding');
  const url = URL.canParse(base) ? new URL(base) : undefined;
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new CliUsageError('--embed-base-url must be an http(s) URL');
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new CliUsageError(
      '--embed-base-url must not hold credentials, a query or a fragment (use --embed-api-key-env)',
    );
  }
  const model = values['embed-model'] as string | undefined;
  if (!model?.trim())
    throw new CliUsageError('--embed-model <group> is required with remote-embedding');
  return {
    baseUrl: url.href.replace(/\/+$/, ''),
    model,
    ...apiKeyOption(values['embed-api-key-env'], env),
    batch: integerOption(values['embed-batch'], '--embed-batch', 64, 1, 2048),
  };
}

/** Whether a key sent to `endpoint` would cross the network unencrypted. */
export function sendsKeyInClear(endpoint: EmbeddingEndpoint): boolean {
  const url = new URL(endpoint.baseUrl);
  return (
    endpoint.apiKey !== undefined && url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)
  );
}

function apiKeyOption(
  name: unknown,
  env: Readonly<Record<string, string | undefined>>,
): { apiKey?: string } {
  if (name === undefined) return {};
  if (typeof name !== 'string' || !ENV_NAME.test(name)) {
    throw new CliUsageError('--embed-api-key-env takes the name of an environment variable');
  }
  const key = env[name];
  if (key === undefined || key.trim() === '') {
    throw new CliUsageError(`--embed-api-key-env: environment variable ${name} is not set`);
  }
  return { apiKey: key.trim() };
}
