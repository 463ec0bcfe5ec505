import { childPath, describeType, isMapping } from './config-problems';
import type { ConfigProblem } from './gateway-config.types';

export type Environment = Readonly<Record<string, string | undefined>>;

const ENV_REF = /^os\.environ\/(.+)$/;

/**
 * LiteLLM semantics: `environment_variables` are exported before the rest of the file is read,
 * so they override the process environment.
 */
export function mergeEnvironment(
  env: Environment,
  declared: unknown,
  problems: ConfigProblem[],
): Environment {
  const merged: Record<string, string | undefined> = { ...env };
  if (declared === undefined || declared === null) return merged;
  if (!isMapping(declared)) {
    problems.push({ path: 'environment_variables', message: 'must be a mapping of NAME: value' });
    return merged;
  }
  for (const [name, value] of Object.entries(declared)) {
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      merged[name] = String(value);
    } else {
      problems.push({
        path: childPath('environment_variables', name),
        message: `must be a string, number or boolean (got ${describeType(value)})`,
      });
    }
  }
  return merged;
}

/**
 * Returns a copy of `value` with every string equal to `os.environ/NAME` replaced by NAME's value.
 * An unset variable is a problem at that path; the reference is left in place so the load still
 * reports every other problem in the same pass.
 */
export function resolveEnvRefs(
  value: unknown,
  path: string,
  env: Environment,
  problems: ConfigProblem[],
): unknown {
  if (typeof value === 'string') {
    const name = ENV_REF.exec(value)?.[1]?.trim();
    if (name === undefined) return value;
    const resolved = env[name];
    if (resolved === undefined) {
      problems.push({ path, message: `environment variable "${name}" is not set` });
      return value;
    }
    return resolved;
  }
  if (Array.isArray(value)) {
    return value.map((item, i) => resolveEnvRefs(item, childPath(path, i), env, problems));
  }
  if (isMapping(value)) {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        resolveEnvRefs(v, childPath(path, k), env, problems),
      ]),
    );
  }
  return value;
}
