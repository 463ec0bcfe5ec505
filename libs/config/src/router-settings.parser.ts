import { childPath, describeType, isMapping, type Mapping } from './config-problems';
import { validateSection } from './config-rules';
import {
  CircuitBreakerSchema,
  DEFAULT_ROUTING_STRATEGY,
  RouterSettingsSchema,
} from './config-schema';
import type {
  CircuitBreakerSettings,
  ConfigProblem,
  FallbackMap,
  RouterSettings,
} from './gateway-config.types';
import { sectionMapping, warnUnsupported } from './settings.parser';

/** The seed's breaker: open after 5 failures in 60 s, half-open after 30 s, close after 2 successes. */
export const DEFAULT_CIRCUIT_BREAKER: CircuitBreakerSettings = {
  failure_threshold: 5,
  window_seconds: 60,
  recovery_timeout_seconds: 30,
  success_threshold: 2,
};
/** `router_settings` when the section is empty: LiteLLM's defaults and the seed's breaker. */
export const DEFAULT_ROUTER_SETTINGS: RouterSettings = {
  routing_strategy: DEFAULT_ROUTING_STRATEGY,
  routing_strategy_args: {},
  model_group_alias: {},
  num_retries: 0,
  retry_after: 0,
  allowed_fails: 3,
  cooldown_time: 5,
  disable_cooldowns: false,
  fallbacks: {},
  context_window_fallbacks: {},
  content_policy_fallbacks: {},
  default_fallbacks: [],
  max_fallbacks: 5,
  circuit_breaker: DEFAULT_CIRCUIT_BREAKER,
  extra: {},
};

export function parseRouterSettings(
  raw: unknown,
  modelNames: ReadonlySet<string>,
  problems: ConfigProblem[],
  warnings: string[],
): RouterSettings {
  const path = 'router_settings';
  const { values, extra } = validateSection(
    RouterSettingsSchema,
    sectionMapping(raw, path, problems),
    path,
    problems,
  );
  warnUnsupported(path, Object.keys(extra), warnings);
  const groups = { modelNames, problems };
  const defaults = DEFAULT_ROUTER_SETTINGS;
  return {
    routing_strategy: values.routing_strategy ?? defaults.routing_strategy,
    routing_strategy_args: values.routing_strategy_args ?? defaults.routing_strategy_args,
    model_group_alias: parseAliases(values.model_group_alias ?? {}, modelNames, problems),
    num_retries: values.num_retries ?? defaults.num_retries,
    retry_after: values.retry_after ?? defaults.retry_after,
    ...(values.timeout !== undefined && { timeout: values.timeout }),
    allowed_fails: values.allowed_fails ?? defaults.allowed_fails,
    cooldown_time: values.cooldown_time ?? defaults.cooldown_time,
    disable_cooldowns: values.disable_cooldowns ?? defaults.disable_cooldowns,
    fallbacks: parseFallbackMap(values.fallbacks, `${path}.fallbacks`, groups),
    context_window_fallbacks: parseFallbackMap(
      values.context_window_fallbacks,
      `${path}.context_window_fallbacks`,
      groups,
    ),
    content_policy_fallbacks: parseFallbackMap(
      values.content_policy_fallbacks,
      `${path}.content_policy_fallbacks`,
      groups,
    ),
    default_fallbacks: parseGroupList(
      values.default_fallbacks,
      `${path}.default_fallbacks`,
      groups,
    ),
    max_fallbacks: values.max_fallbacks ?? defaults.max_fallbacks,
    circuit_breaker: parseCircuitBreaker(values.circuit_breaker, problems, warnings),
    extra,
  };
}

interface GroupCheck {
  readonly modelNames: ReadonlySet<string>;
  readonly problems: ConfigProblem[];
}

/**
 * LiteLLM writes fallbacks as a list of one-key mappings, `[{gpt-4o: [gpt-4o-mini, claude]}]`;
 * a plain mapping `{gpt-4o: [...]}` is accepted too. Every group named must exist.
 */
function parseFallbackMap(raw: unknown, path: string, check: GroupCheck): FallbackMap {
  if (raw === undefined) return {};
  const entries: Array<[string, unknown, string]> = [];
  if (Array.isArray(raw)) {
    raw.forEach((item, index) => {
      const itemPath = `${path}[${index}]`;
      if (!isMapping(item)) {
        check.problems.push({
          path: itemPath,
          message: `must be a mapping of a model group to its fallback groups (got ${describeType(item)})`,
        });
        return;
      }
      for (const [group, targets] of Object.entries(item)) {
        entries.push([group, targets, childPath(itemPath, group)]);
      }
    });
  } else if (isMapping(raw)) {
    for (const [group, targets] of Object.entries(raw)) {
      entries.push([group, targets, childPath(path, group)]);
    }
  } else {
    check.problems.push({
      path,
      message: `must be a list of { <model group>: [<fallback groups>] } (got ${describeType(raw)})`,
    });
    return {};
  }
  const map: Record<string, readonly string[]> = {};
  for (const [group, targets, entryPath] of entries) {
    if (group !== '*' && !check.modelNames.has(group)) {
      check.problems.push({
        path: entryPath,
        message: `model group "${group}" is not a model_name in model_list`,
      });
      continue;
    }
    map[group] = [...(map[group] ?? []), ...parseGroupList(targets, entryPath, check)];
  }
  return map;
}

function parseGroupList(raw: unknown, path: string, check: GroupCheck): readonly string[] {
  if (raw === undefined) return [];
  const list = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(list)) {
    check.problems.push({
      path,
      message: `must be a list of model group names (got ${describeType(raw)})`,
    });
    return [];
  }
  const groups: string[] = [];
  list.forEach((target, index) => {
    if (typeof target !== 'string' || !check.modelNames.has(target)) {
      check.problems.push({
        path: `${path}[${index}]`,
        message:
          typeof target === 'string'
            ? `fallback model group "${target}" is not a model_name in model_list`
            : `must be a model group name (got ${describeType(target)})`,
      });
    } else {
      groups.push(target);
    }
  });
  return groups;
}

function parseCircuitBreaker(
  raw: Record<string, unknown> | undefined,
  problems: ConfigProblem[],
  warnings: string[],
): CircuitBreakerSettings {
  if (raw === undefined) return DEFAULT_CIRCUIT_BREAKER;
  const path = 'router_settings.circuit_breaker';
  const { values, extra } = validateSection(CircuitBreakerSchema, raw, path, problems);
  warnUnsupported(path, Object.keys(extra), warnings);
  return { ...DEFAULT_CIRCUIT_BREAKER, ...values };
}

/** LiteLLM allows `alias: group` and `alias: { model: group, hidden: true }`. */
function parseAliases(
  raw: Mapping,
  modelNames: ReadonlySet<string>,
  problems: ConfigProblem[],
): Record<string, string> {
  const aliases: Record<string, string> = {};
  for (const [alias, value] of Object.entries(raw)) {
    const path = childPath('router_settings.model_group_alias', alias);
    const target = isMapping(value) ? value.model : value;
    if (typeof target !== 'string' || target === '') {
      problems.push({
        path,
        message: 'must be a model group name or { model: <group>, hidden: <bool> }',
      });
    } else if (!modelNames.has(target)) {
      problems.push({
        path,
        message: `target model group "${target}" is not a model_name in model_list`,
      });
    } else {
      aliases[alias] = target;
    }
  }
  return aliases;
}
