import type { Principal } from '@routeiq/common';
import { parsePolicyDocument } from './policy-document.parser';
import { DEFERRED_DECISION, evaluatePolicy } from './policy.evaluator';
import type { CompiledPolicy, PolicyInput } from './policy.types';

function compile(text: string): CompiledPolicy {
  const { policy, problems } = parsePolicyDocument(text);
  if (!policy) throw new Error(`test policy invalid: ${JSON.stringify(problems)}`);
  return policy;
}

const intern: Principal = {
  kind: 'virtual',
  keyId: 'vk-123',
  keyAlias: 'ci-runner',
  teamId: 'interns',
  userId: 'alice@example.com',
};
const chat: PolicyInput = { principal: intern, route: '/v1/chat/completions', method: 'POST' };

describe(evaluatePolicy.name, () => {
  it('falls back to default_action both ways, naming no rule', () => {
    const allow = evaluatePolicy(compile('default_action: allow'), chat);
    expect(allow).toEqual({
      allowed: true,
      reason: 'no policy rule matched; default_action is allow',
      basis: 'default',
    });
    const deny = evaluatePolicy(compile('default_action: deny'), chat);
    expect(deny).toMatchObject({ allowed: false, basis: 'default' });
    expect(deny.rule).toBeUndefined();
  });

  it('lets the highest priority win, then the first in file order', () => {
    const policy = compile(`
default_action: allow
rules:
  - { name: low-deny, action: deny, priority: 1 }
  - { name: high-allow, action: allow, priority: 9, match: { teams: [interns] } }
  - { name: high-deny, action: deny, priority: 9, match: { teams: [interns] } }
`);
    expect(evaluatePolicy(policy, chat)).toMatchObject({ allowed: true, rule: 'high-allow' });
    expect(evaluatePolicy(policy, { ...chat, principal: undefined })).toMatchObject({
      allowed: false,
      rule: 'low-deny',
      basis: 'rule',
    });
  });

  it('requires every matcher (AND) and any entry of each list (OR)', () => {
    const policy = compile(`
default_action: allow
rules:
  - name: r
    action: deny
    match:
      teams: [staff, "intern*"]
      users: ["alice@*"]
      routes: ["/v1/chat/*"]
      methods: [post]
      models: ["gpt-4*"]
      source_ips: ["10.0.0.0/8"]
`);
    const full: PolicyInput = { ...chat, model: 'gpt-4o', sourceIp: '10.1.1.1' };
    expect(evaluatePolicy(policy, full).rule).toBe('r');
    const misses: Partial<PolicyInput>[] = [
      { principal: { ...intern, teamId: 'ops' } },
      { principal: { ...intern, userId: 'bob@example.com' } },
      { route: '/v1/embeddings' },
      { method: 'GET' },
      { model: 'gpt-3.5-turbo' },
      { sourceIp: '192.168.0.1' },
    ];
    for (const miss of misses) {
      expect(evaluatePolicy(policy, { ...full, ...miss }).basis).toBe('default');
    }
  });

  it('does not match a rule whose subject is absent', () => {
    const policy = compile(`
default_action: allow
rules:
  - { name: teams, action: deny, match: { teams: ["**"] } }
  - { name: users, action: deny, match: { users: ["**"] } }
  - { name: keys, action: deny, match: { api_keys: ["**"] } }
  - { name: models, action: deny, match: { models: ["**"] } }
  - { name: ips, action: deny, match: { source_ips: ["0.0.0.0/0", "::/0"] } }
`);
    const master: Principal = { kind: 'master', keyId: 'key-abc' };
    expect(evaluatePolicy(policy, { route: '/x', method: 'GET' }).basis).toBe('default');
    expect(evaluatePolicy(policy, { route: '/x', method: 'GET', principal: master }).rule).toBe(
      'keys',
    );
    expect(evaluatePolicy(policy, { route: '/x', method: 'GET', model: 'm' }).rule).toBe('models');
    expect(evaluatePolicy(policy, { route: '/x', method: 'GET', sourceIp: '::1' }).rule).toBe(
      'ips',
    );
  });

  it('matches api_keys against the key alias or the key id', () => {
    const policy = compile(`
default_action: allow
rules: [{ name: k, action: deny, match: { api_keys: ["ci-*", "vk-9*"] } }]
`);
    expect(evaluatePolicy(policy, chat).rule).toBe('k');
    const byId: Principal = { kind: 'virtual', keyId: 'vk-900' };
    expect(evaluatePolicy(policy, { ...chat, principal: byId }).rule).toBe('k');
    const neither: Principal = { kind: 'virtual', keyId: 'vk-100', keyAlias: 'prod' };
    expect(evaluatePolicy(policy, { ...chat, principal: neither }).basis).toBe('default');
  });

  it('matches source IPs of both families, IPv4-mapped included', () => {
    const policy = compile(`
default_action: deny
rules: [{ name: lan, action: allow, match: { source_ips: ["10.0.0.0/8", "fd00::/8", "::1"] } }]
`);
    for (const ip of ['10.2.3.4', '::ffff:10.2.3.4', 'fd00::5', '::1']) {
      expect(evaluatePolicy(policy, { ...chat, sourceIp: ip }).allowed).toBe(true);
    }
    for (const ip of ['11.2.3.4', 'fe80::1', '::2', 'garbage']) {
      expect(evaluatePolicy(policy, { ...chat, sourceIp: ip }).allowed).toBe(false);
    }
  });

  it('defers a model-dependent allow while the model is pending, and only then', () => {
    const policy = compile(`
default_action: deny
rules:
  - { name: block-team, action: deny, priority: 5, match: { teams: [blocked] } }
  - { name: small-models, action: allow, match: { models: ["gpt-4o-mini"] } }
`);
    expect(evaluatePolicy(policy, { ...chat, modelPending: true })).toBe(DEFERRED_DECISION);
    const blocked = { ...chat, principal: { ...intern, teamId: 'blocked' }, modelPending: true };
    expect(evaluatePolicy(policy, blocked).rule).toBe('block-team');
    expect(evaluatePolicy(policy, chat).basis).toBe('default');
    expect(evaluatePolicy(policy, { ...chat, model: 'gpt-4o-mini' }).rule).toBe('small-models');
    expect(evaluatePolicy(policy, { ...chat, model: 'gpt-4o' }).allowed).toBe(false);
  });

  it('while the model is pending, denies only what every model would be denied', () => {
    const policy = compile(`
default_action: allow
rules:
  - { name: no-gpt4, action: deny, priority: 9, match: { models: ["gpt-4*"] } }
  - { name: no-keys, action: deny, match: { routes: ["/key/**"] } }
`);
    const pending = { ...chat, modelPending: true };
    expect(evaluatePolicy(policy, pending)).toBe(DEFERRED_DECISION);
    expect(evaluatePolicy(policy, { ...pending, route: '/key/generate' }).rule).toBe('no-keys');
    expect(evaluatePolicy(policy, { ...chat, model: 'gpt-4o' }).rule).toBe('no-gpt4');

    const allowAfter = compile(`
default_action: deny
rules:
  - { name: no-gpt4, action: deny, priority: 9, match: { models: ["gpt-4*"] } }
  - { name: interns-ok, action: allow, match: { teams: [interns] } }
`);
    expect(evaluatePolicy(allowAfter, pending)).toBe(DEFERRED_DECISION);
    expect(evaluatePolicy(allowAfter, { ...pending, principal: undefined }).basis).toBe('default');
  });

  it('returns the prebuilt decision objects instead of allocating', () => {
    const policy = compile('default_action: allow\nrules: [{ name: a, action: deny }]');
    expect(evaluatePolicy(policy, chat)).toBe(policy.rules[0]?.decision);
    expect(evaluatePolicy(compile('default_action: allow'), chat)).toEqual(
      expect.objectContaining({ basis: 'default' }),
    );
  });
});
