import type { ConfigProblem } from '@routeiq/config';
import { parseDocument } from 'yaml';
import { parseAction, parseRule } from './policy-rule.parser';
import { checkKeys, describeValue, isMapping } from './policy-problems';
import type { CompiledPolicy, CompiledRule, PolicyAction, PolicyDecision } from './policy.types';

const TOP_LEVEL_KEYS = ['default_action', 'rules'] as const;

export interface PolicyParseResult {
  /** Present only when there are no problems. */
  readonly policy?: CompiledPolicy;
  readonly problems: readonly ConfigProblem[];
}

/**
 * Parses and strictly validates a policy document; `__fixtures__/policy.example.yaml` documents it:
 *
 *   default_action: allow | deny          # when no rule matches
 *   rules:                                # sorted by priority (higher first, ties in file order);
 *     - name: unique-name                 # the first matching rule decides
 *       action: allow | deny
 *       priority: 10                      # optional integer, default 0
 *       description: optional
 *       match:                            # AND across matchers, OR within a list; absent = all
 *         teams / users / api_keys / routes / models: [globs]
 *         methods: [POST]
 *         source_ips: [10.0.0.0/8, 192.168.1.7, ::1]
 *
 * Unknown keys, bad actions, bad CIDRs, empty or duplicate names are errors. Every problem is
 * reported with its path, e.g. `rules[2].match.source_ips[0]: invalid CIDR "10.0.0.0/33"`.
 */
export function parsePolicyDocument(text: string): PolicyParseResult {
  const problems: ConfigProblem[] = [];
  const root = readYaml(text, problems);
  if (root === undefined) return { problems };
  if (!isMapping(root)) {
    const got = describeValue(root);
    return { problems: [{ path: '(root)', message: `must be a mapping (got ${got})` }] };
  }
  checkKeys(root, TOP_LEVEL_KEYS, '', problems);
  const defaultAction = parseAction(root.default_action, 'default_action', problems);
  const rules = parseRules(root.rules, problems);
  if (problems.length > 0 || defaultAction === undefined) return { problems };
  return { policy: compilePolicy(defaultAction, rules), problems };
}

function readYaml(text: string, problems: ConfigProblem[]): unknown {
  const document = parseDocument(text, { uniqueKeys: true });
  for (const error of document.errors) {
    const at = error.linePos?.[0];
    const summary = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    problems.push({
      path: at ? `(yaml line ${at.line} col ${at.col})` : '(yaml)',
      message: summary,
    });
  }
  return problems.length > 0 ? undefined : (document.toJS() as unknown);
}

function parseRules(value: unknown, problems: ConfigProblem[]): CompiledRule[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    problems.push({ path: 'rules', message: `must be a list (got ${describeValue(value)})` });
    return [];
  }
  const rules: CompiledRule[] = [];
  const firstIndexByName = new Map<string, number>();
  value.forEach((raw: unknown, index) => {
    const path = `rules[${index}]`;
    const rule = parseRule(raw, path, problems);
    const name = isMapping(raw) && typeof raw.name === 'string' ? raw.name.trim() : '';
    const first = firstIndexByName.get(name);
    if (name && first !== undefined) {
      const message = `duplicate rule name ${describeValue(name)} (first used at rules[${first}])`;
      problems.push({ path: `${path}.name`, message });
    } else if (name) {
      firstIndexByName.set(name, index);
    }
    if (rule) rules.push(rule);
  });
  return rules;
}

/** Highest priority first; `Array.prototype.sort` is stable, so ties keep file order. */
function compilePolicy(defaultAction: PolicyAction, rules: CompiledRule[]): CompiledPolicy {
  const sorted = [...rules].sort((a, b) => b.priority - a.priority);
  const defaultDecision: PolicyDecision = Object.freeze({
    allowed: defaultAction === 'allow',
    reason: `no policy rule matched; default_action is ${defaultAction}`,
    basis: 'default',
  });
  return Object.freeze({ defaultAction, rules: Object.freeze(sorted), defaultDecision });
}
