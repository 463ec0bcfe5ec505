import type { ConfigProblem } from '@routeiq/config';
import type { BlockList } from 'node:net';
import { compileGlobs } from './policy-glob';
import { buildIpList, parseIpRange } from '@routeiq/common';
import { checkKeys, describeValue, isMapping, stringList, type Mapping } from './policy-problems';
import type { CompiledRule, PolicyAction, PolicyDecision } from './policy.types';

const RULE_KEYS = ['name', 'action', 'priority', 'description', 'match'] as const;
const MATCH_KEYS = [
  'teams',
  'users',
  'api_keys',
  'routes',
  'methods',
  'models',
  'source_ips',
] as const;
const GLOB_MATCHERS = {
  teams: 'teams',
  users: 'users',
  api_keys: 'apiKeys',
  routes: 'routes',
  models: 'models',
} as const;
const HTTP_METHOD = /^[A-Za-z]+$/;

type Matchers = Pick<
  CompiledRule,
  'teams' | 'users' | 'apiKeys' | 'routes' | 'methods' | 'models' | 'sourceIps'
>;

export function parseAction(
  value: unknown,
  path: string,
  problems: ConfigProblem[],
): PolicyAction | undefined {
  if (value === 'allow' || value === 'deny') return value;
  problems.push({ path, message: `must be allow or deny (got ${describeValue(value)})` });
  return undefined;
}

/**
 * Validates one entry of `rules` and compiles its matchers.
 * @returns undefined when the rule has problems (all of them appended to `problems`).
 */
export function parseRule(
  raw: unknown,
  path: string,
  problems: ConfigProblem[],
): CompiledRule | undefined {
  if (!isMapping(raw)) {
    problems.push({ path, message: `must be a mapping (got ${describeValue(raw)})` });
    return undefined;
  }
  const before = problems.length;
  checkKeys(raw, RULE_KEYS, path, problems);
  const name = parseName(raw.name, `${path}.name`, problems);
  const action = parseAction(raw.action, `${path}.action`, problems);
  const priority = parsePriority(raw.priority, `${path}.priority`, problems);
  if (raw.description !== undefined && typeof raw.description !== 'string') {
    problems.push({ path: `${path}.description`, message: 'must be a string' });
  }
  const matchers = parseMatch(raw.match, `${path}.match`, problems);
  if (problems.length > before || name === undefined || action === undefined) return undefined;

  const decision: PolicyDecision = Object.freeze({
    allowed: action === 'allow',
    rule: name,
    reason: `matched policy rule "${name}" (${action})`,
    basis: 'rule',
  });
  const description = typeof raw.description === 'string' ? raw.description : undefined;
  return Object.freeze({ name, action, priority, description, ...matchers, decision });
}

function parseName(value: unknown, path: string, problems: ConfigProblem[]): string | undefined {
  if (typeof value === 'string' && value.trim().length > 0) return value.trim();
  problems.push({ path, message: `must be a non-empty string (got ${describeValue(value)})` });
  return undefined;
}

function parsePriority(value: unknown, path: string, problems: ConfigProblem[]): number {
  if (value === undefined) return 0;
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  problems.push({ path, message: `must be an integer (got ${describeValue(value)})` });
  return 0;
}

/** An absent or empty `match` matches every request. */
function parseMatch(value: unknown, path: string, problems: ConfigProblem[]): Matchers {
  if (value === undefined || value === null) return {};
  if (!isMapping(value)) {
    problems.push({ path, message: `must be a mapping (got ${describeValue(value)})` });
    return {};
  }
  checkKeys(value, MATCH_KEYS, path, problems);
  const matchers: { -readonly [K in keyof Matchers]: Matchers[K] } = {};
  for (const [key, field] of Object.entries(GLOB_MATCHERS)) {
    const globs = optionalList(value, key, path, problems);
    if (globs) matchers[field] = compileGlobs(globs);
  }
  matchers.methods = parseMethods(value, path, problems);
  matchers.sourceIps = parseSourceIps(value, path, problems);
  return matchers;
}

function optionalList(
  match: Mapping,
  key: string,
  path: string,
  problems: ConfigProblem[],
): string[] | undefined {
  if (match[key] === undefined) return undefined;
  return stringList(match[key], `${path}.${key}`, problems);
}

function parseMethods(
  match: Mapping,
  path: string,
  problems: ConfigProblem[],
): ReadonlySet<string> | undefined {
  const methods = optionalList(match, 'methods', path, problems);
  if (!methods) return undefined;
  const before = problems.length;
  methods.forEach((method, index) => {
    if (!HTTP_METHOD.test(method)) {
      problems.push({
        path: `${path}.methods[${index}]`,
        message: `invalid HTTP method ${describeValue(method)}`,
      });
    }
  });
  return problems.length === before ? new Set(methods.map((m) => m.toUpperCase())) : undefined;
}

function parseSourceIps(
  match: Mapping,
  path: string,
  problems: ConfigProblem[],
): BlockList | undefined {
  const entries = optionalList(match, 'source_ips', path, problems);
  if (!entries) return undefined;
  const ranges = entries.map((entry, index) => {
    const range = parseIpRange(entry);
    if (!range) {
      const kind = entry.includes('/') ? 'CIDR' : 'IP address';
      problems.push({
        path: `${path}.source_ips[${index}]`,
        message: `invalid ${kind} ${describeValue(entry)}`,
      });
    }
    return range;
  });
  const valid = ranges.filter((range) => range !== undefined);
  return valid.length === ranges.length ? buildIpList(valid) : undefined;
}
