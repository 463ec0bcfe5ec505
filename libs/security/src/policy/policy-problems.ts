import type { ConfigProblem } from '@routeiq/config';

export type Mapping = Record<string, unknown>;

export function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A bad value for messages; long strings are cut so a pasted secret is never echoed whole. */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 20)}…` : value);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'a list' : 'a mapping';
}

/** Reports every key of `value` that is not in `allowed`. */
export function checkKeys(
  value: Mapping,
  allowed: readonly string[],
  path: string,
  problems: ConfigProblem[],
): void {
  for (const key of Object.keys(value)) {
    if (allowed.includes(key)) continue;
    problems.push({
      path: path ? `${path}.${key}` : key,
      message: `unknown key (expected one of ${allowed.join(', ')})`,
    });
  }
}

/** A non-empty list of non-empty strings, or undefined after reporting what is wrong. */
export function stringList(
  value: unknown,
  path: string,
  problems: ConfigProblem[],
): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    const got = Array.isArray(value) ? 'an empty list' : describeValue(value);
    problems.push({ path, message: `must be a non-empty list (got ${got})` });
    return undefined;
  }
  const before = problems.length;
  value.forEach((item: unknown, index) => {
    if (typeof item !== 'string' || item.length === 0) {
      const hint = typeof item === 'number' ? '; quote it' : '';
      problems.push({
        path: `${path}[${index}]`,
        message: `must be a non-empty string (got ${describeValue(item)}${hint})`,
      });
    }
  });
  return problems.length === before ? (value as string[]) : undefined;
}
