import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePolicyDocument } from './policy-document.parser';

function problemsOf(text: string): string[] {
  const result = parsePolicyDocument(text);
  expect(result.policy).toBeUndefined();
  return result.problems.map((p) => `${p.path}: ${p.message}`);
}

describe('parsePolicyDocument', () => {
  it('parses the example file', () => {
    const text = readFileSync(join(__dirname, '__fixtures__', 'policy.example.yaml'), 'utf8');
    const { policy, problems } = parsePolicyDocument(text);
    expect(problems).toEqual([]);
    expect(policy?.defaultAction).toBe('allow');
    expect(policy?.rules.map((r) => r.name)).toEqual([
      'ops-network-key-management',
      'admin-network-only',
      'block-gpt4-for-interns',
      'no-embeddings-for-ci-keys',
    ]);
  });

  it('sorts rules by priority, highest first, keeping file order on ties', () => {
    const { policy } = parsePolicyDocument(`
default_action: deny
rules:
  - { name: a, action: allow }
  - { name: b, action: allow, priority: 5 }
  - { name: c, action: deny }
  - { name: d, action: deny, priority: -1 }
  - { name: e, action: deny, priority: 5 }
`);
    expect(policy?.rules.map((r) => r.name)).toEqual(['b', 'e', 'a', 'c', 'd']);
  });

  it('accepts a policy without rules and a rule without match', () => {
    expect(parsePolicyDocument('default_action: deny\n').policy?.rules).toEqual([]);
    const { policy } = parsePolicyDocument(
      'default_action: deny\nrules:\n  - { name: all, action: allow }',
    );
    expect(policy?.rules[0]).toMatchObject({ name: 'all', action: 'allow', priority: 0 });
    expect(policy?.rules[0]?.teams).toBeUndefined();
  });

  it('freezes what it returns', () => {
    const { policy } = parsePolicyDocument(
      'default_action: allow\nrules: [{ name: a, action: deny }]',
    );
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy?.rules)).toBe(true);
    expect(Object.isFrozen(policy?.rules[0]?.decision)).toBe(true);
  });

  it('reports YAML syntax errors with their position', () => {
    expect(problemsOf('default_action: allow\nrules: [\n')).toEqual([
      expect.stringMatching(/^\(yaml line \d+ col \d+\): /),
    ]);
    expect(problemsOf('default_action: allow\ndefault_action: deny\n')).toEqual([
      expect.stringMatching(/^\(yaml line 2 col 1\): Map keys must be unique/),
    ]);
  });

  it('requires a mapping at the root and a valid default_action', () => {
    expect(problemsOf('')).toEqual(['(root): must be a mapping (got nothing)']);
    expect(problemsOf('- a\n')).toEqual(['(root): must be a mapping (got a list)']);
    expect(problemsOf('rules: []\n')).toEqual([
      'default_action: must be allow or deny (got nothing)',
    ]);
    expect(problemsOf('default_action: permit\n')).toEqual([
      'default_action: must be allow or deny (got "permit")',
    ]);
  });

  it('rejects unknown keys at every level', () => {
    expect(
      problemsOf(`
default_action: allow
version: 2
rules:
  - name: a
    action: deny
    when: always
    match: { teams: [x], team: [y] }
`),
    ).toEqual([
      'version: unknown key (expected one of default_action, rules)',
      'rules[0].when: unknown key (expected one of name, action, priority, description, match)',
      'rules[0].match.team: unknown key (expected one of teams, users, api_keys, routes, methods, models, source_ips)',
    ]);
  });

  it('reports every problem of every rule by path', () => {
    expect(
      problemsOf(`
default_action: allow
rules:
  - { name: "", action: deny }
  - { name: b, action: block, priority: 1.5, description: 3 }
  - name: c
    action: deny
    match:
      source_ips: ["10.0.0.0/8", "10.0.0.0/33", "not-an-ip"]
      methods: ["POST", "GET /"]
      teams: []
      users: "alice"
      models: ["gpt-4*", 4, ""]
  - { name: d, action: allow, match: [teams] }
  - just-a-string
`),
    ).toEqual([
      'rules[0].name: must be a non-empty string (got "")',
      'rules[1].action: must be allow or deny (got "block")',
      'rules[1].priority: must be an integer (got 1.5)',
      'rules[1].description: must be a string',
      'rules[2].match.teams: must be a non-empty list (got an empty list)',
      'rules[2].match.users: must be a non-empty list (got "alice")',
      'rules[2].match.models[1]: must be a non-empty string (got 4; quote it)',
      'rules[2].match.models[2]: must be a non-empty string (got "")',
      'rules[2].match.methods[1]: invalid HTTP method "GET /"',
      'rules[2].match.source_ips[1]: invalid CIDR "10.0.0.0/33"',
      'rules[2].match.source_ips[2]: invalid IP address "not-an-ip"',
      'rules[3].match: must be a mapping (got a list)',
      'rules[4]: must be a mapping (got "just-a-string")',
    ]);
  });

  it('rejects duplicate rule names, naming the first use', () => {
    expect(
      problemsOf(`
default_action: allow
rules:
  - { name: same, action: deny }
  - { name: other, action: deny }
  - { name: " same ", action: allow }
`),
    ).toEqual(['rules[2].name: duplicate rule name "same" (first used at rules[0])']);
  });

  it('requires rules to be a list', () => {
    expect(problemsOf('default_action: allow\nrules: { a: 1 }\n')).toEqual([
      'rules: must be a list (got a mapping)',
    ]);
  });
});
