import { childPath, describeType, isMapping, type Mapping } from './config-problems';
import { validateSection } from './config-rules';
import {
  DEFAULT_MAX_REQUEST_SIZE_MB,
  DEFAULT_ROUTING_STRATEGY,
  GeneralSettingsSchema,
  QUIET_LITELLM_SETTINGS,
  RouterSettingsSchema,
} from './config-schema';
import type { ConfigProblem, GeneralSettings, RouterSettings } from './gateway-config.types';

/** Sections are optional mappings; anything else is a problem and reads as empty. */
export function sectionMapping(raw: unknown, path: string, problems: ConfigProblem[]): Mapping {
  if (raw === undefined || raw === null) return {};
  if (isMapping(raw)) return raw;
  problems.push({ path, message: `must be a mapping (got ${describeType(raw)})` });
  return {};
}

function warnUnsupported(section: string, keys: Iterable<string>, warnings: string[]): void {
  for (const key of keys) warnings.push(`${childPath(section, key)}: not supported yet, ignored`);
}

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
  const aliases = parseAliases(values.model_group_alias ?? {}, modelNames, problems);
  return {
    ...values,
    routing_strategy: values.routing_strategy ?? DEFAULT_ROUTING_STRATEGY,
    model_group_alias: aliases,
    extra,
  };
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

export function parseGeneralSettings(
  raw: unknown,
  problems: ConfigProblem[],
  warnings: string[],
): GeneralSettings {
  const path = 'general_settings';
  const { values, extra } = validateSection(
    GeneralSettingsSchema,
    sectionMapping(raw, path, problems),
    path,
    problems,
  );
  warnUnsupported(path, Object.keys(extra), warnings);
  return {
    ...values,
    max_request_size_mb: values.max_request_size_mb ?? DEFAULT_MAX_REQUEST_SIZE_MB,
    extra,
  };
}

/** Kept verbatim for later features; keys we do not act on are announced once. */
export function parseLitellmSettings(
  raw: unknown,
  problems: ConfigProblem[],
  warnings: string[],
): Mapping {
  const settings = sectionMapping(raw, 'litellm_settings', problems);
  const unsupported = Object.keys(settings).filter((k) => !QUIET_LITELLM_SETTINGS.includes(k));
  warnUnsupported('litellm_settings', unsupported, warnings);
  return settings;
}
