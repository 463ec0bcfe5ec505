import type { ValidationError } from 'class-validator';
import type { ConfigProblem } from './gateway-config.types';

export type Mapping = Record<string, unknown>;

export function isMapping(value: unknown): value is Mapping {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `base.key`, or `base["odd key"]` when the key would make the path ambiguous. */
export function childPath(base: string, key: string | number): string {
  if (typeof key === 'number' || /^\d+$/.test(key)) return `${base}[${key}]`;
  const segment = /^[\w-]+$/.test(key) ? key : JSON.stringify(key);
  if (segment !== key) return `${base}[${segment}]`;
  return base ? `${base}.${key}` : key;
}

/** What a bad value was, for messages. Strings are cut short so a pasted secret is never echoed whole. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value.length > 40 ? `${value.slice(0, 20)}…` : value);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) {
    return String(value);
  }
  return describeType(value);
}

/** The kind of a value, for messages about fields that may hold secrets. */
export function describeType(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (isMapping(value)) return 'a mapping';
  return `a ${typeof value}`;
}

/** Turns class-validator's nested errors into `a[2].b.c: message` problems. */
export function flattenValidationErrors(
  errors: readonly ValidationError[],
  base: string,
  nameOf: (property: string) => string = (property) => childPath(base, property),
): ConfigProblem[] {
  return errors.flatMap((error) => {
    const path = nameOf(error.property);
    const own = Object.values(error.constraints ?? {}).map((message) => ({ path, message }));
    const nested = flattenValidationErrors(error.children ?? [], path);
    return [...own, ...nested];
  });
}

/** Keeps the first problem per path: a missing env var should not also report "must be a number". */
export function firstProblemPerPath(problems: readonly ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => !seen.has(p.path) && seen.add(p.path));
}
