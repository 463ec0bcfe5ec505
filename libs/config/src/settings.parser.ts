import { childPath, describeType, isMapping, type Mapping } from './config-problems';
import { validateSection } from './config-rules';
import {
  DEFAULT_MAX_REQUEST_SIZE_MB,
  GeneralSettingsSchema,
  QUIET_LITELLM_SETTINGS,
} from './config-schema';
import type { ConfigProblem, GeneralSettings } from './gateway-config.types';

/** Sections are optional mappings; anything else is a problem and reads as empty. */
export function sectionMapping(raw: unknown, path: string, problems: ConfigProblem[]): Mapping {
  if (raw === undefined || raw === null) return {};
  if (isMapping(raw)) return raw;
  problems.push({ path, message: `must be a mapping (got ${describeType(raw)})` });
  return {};
}

export function warnUnsupported(section: string, keys: Iterable<string>, warnings: string[]): void {
  for (const key of keys) warnings.push(`${childPath(section, key)}: not supported yet, ignored`);
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
