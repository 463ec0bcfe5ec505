import type { ConfigProblem } from '@routeiq/config';
import { dirname, isAbsolute, resolve } from 'node:path';

type Args = Readonly<Record<string, unknown>>;

/** `routing_strategy_args.router_alias` when not set. */
export const DEFAULT_ROUTER_ALIAS = 'router-auto';

const ARGS_PATH = 'router_settings.routing_strategy_args';
const MAX_RELOAD_INTERVAL_SECONDS = 86_400;

/** Where the router artifact is and how it is kept fresh. */
export interface ArtifactSettings {
  /** Absolute path of manifest.json or its directory. */
  readonly modelPath: string;
  readonly hotReload: boolean;
  readonly reloadIntervalSeconds?: number;
}

/** A model name that routes across model groups (`model: "router-auto"`). */
export interface RouterAliasSettings {
  readonly alias: string;
  /** Model group names, in the order given. */
  readonly candidates: readonly string[];
}

type Check = (value: unknown) => string | undefined;

const nonEmptyString: Check = (v) =>
  typeof v === 'string' && v.trim() !== '' ? undefined : 'must be a non-empty string';
const boolean: Check = (v) => (typeof v === 'boolean' ? undefined : 'must be true or false');
const inRange =
  (min: number, max: number, message: string): Check =>
  (v) => {
    const n = numericArg(v);
    return n !== undefined && n >= min && n <= max ? undefined : message;
  };
const positive: Check = (v) =>
  (numericArg(v) ?? 0) > 0 ? undefined : 'must be a number greater than 0';
const nonNegative = inRange(0, Infinity, 'must be a number of at least 0');
const unit = inRange(0, 1, 'must be a number from 0 to 1');
const interval = inRange(
  1,
  MAX_RELOAD_INTERVAL_SECONDS,
  `must be a number of seconds from 1 to ${MAX_RELOAD_INTERVAL_SECONDS}`,
);
const finite = inRange(-Infinity, Infinity, 'must be a number');
const embeddingTimeout = inRange(1, 60_000, 'must be a number of milliseconds from 1 to 60000');
const cacheSize: Check = (v) => {
  const n = numericArg(v);
  return n !== undefined && Number.isInteger(n) && n >= 0 && n <= 1_000_000
    ? undefined
    : 'must be an integer from 0 to 1000000';
};
const groupList: Check = (v) => {
  if (!Array.isArray(v) || v.length === 0) return 'must be a non-empty list of model group names';
  if (!v.every((name) => typeof name === 'string' && name !== '')) {
    return 'must list model group names (non-empty strings)';
  }
  return new Set(v).size === v.length ? undefined : 'must not name a model group twice';
};

/** The learned-routing keys of `routing_strategy_args` and what each must be. */
const CHECKS: Readonly<Record<string, Check>> = {
  model_path: nonEmptyString,
  hot_reload: boolean,
  reload_interval: interval,
  timeout_ms: positive,
  candidates: groupList,
  router_alias: nonEmptyString,
  cost_weight: nonNegative,
  quality_threshold: unit,
  max_cost_per_1k_tokens: nonNegative,
  quality_gap: unit,
  threshold: finite,
  custom_router: nonEmptyString,
  embedding_timeout_ms: embeddingTimeout,
  embedding_cache_size: cacheSize,
};

/** Type problems of the learned-routing keys (other strategies' keys are left alone). */
export function learnedArgsProblems(args: Args): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [key, check] of Object.entries(CHECKS)) {
    if (args[key] === undefined) continue;
    const message = check(args[key]);
    if (message !== undefined) problems.push({ path: `${ARGS_PATH}.${key}`, message });
  }
  return problems;
}

/**
 * The artifact settings, when `model_path` is set (a relative path is taken from the config
 * file's directory). Assumes `learnedArgsProblems` found nothing.
 */
export function artifactSettingsOf(args: Args, configPath: string): ArtifactSettings | undefined {
  const path = args.model_path;
  if (typeof path !== 'string' || path.trim() === '') return undefined;
  const seconds = numericArg(args.reload_interval);
  return {
    modelPath: isAbsolute(path) ? path : resolve(dirname(configPath), path),
    hotReload: args.hot_reload === true,
    ...(seconds !== undefined && { reloadIntervalSeconds: seconds }),
  };
}

/** The router alias, when `candidates` names model groups. */
export function routerAliasOf(args: Args): RouterAliasSettings | undefined {
  const candidates = args.candidates;
  if (groupList(candidates) !== undefined) return undefined;
  const alias = args.router_alias;
  return {
    alias: typeof alias === 'string' && alias.trim() !== '' ? alias : DEFAULT_ROUTER_ALIAS,
    candidates: candidates as string[],
  };
}

/** Problems of a router alias against the config's groups and aliases. */
export function routerAliasProblems(
  alias: RouterAliasSettings,
  groups: ReadonlySet<string>,
  groupAliases: ReadonlySet<string>,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  if (groups.has(alias.alias) || groupAliases.has(alias.alias)) {
    problems.push({
      path: `${ARGS_PATH}.router_alias`,
      message: `"${alias.alias}" is already a model group or model_group_alias name`,
    });
  }
  alias.candidates.forEach((name, i) => {
    if (!groups.has(name)) {
      problems.push({
        path: `${ARGS_PATH}.candidates[${i}]`,
        message: `model group "${name}" is not in model_list`,
      });
    }
  });
  return problems;
}

/** A number, or a numeric string (an `os.environ/` value), as the decision rules read them. */
export function numericArg(value: unknown): number | undefined {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isFinite(number) ? number : undefined;
}
