import type { RouterDecision } from './router-decision';
import { routerDecisionJson } from './router-decision.json';

/** Every field set: a field added to the record fails to compile here until it is serialised. */
const FULL: Required<RouterDecision> = {
  event: 'routeiq.router_decision.v1',
  request_id: 'req-1',
  timestamp: '2026-11-29T09:00:00.000Z',
  model_group: 'gpt-4o',
  strategy: 'knn',
  strategy_version: 'knn-v3',
  experiment: { id: 'exp-1', variant: 'candidate' },
  strategy_error: 'model not loaded',
  candidates: [
    { deployment: 'a', state: 'eligible' },
    { deployment: 'b', state: 'cooldown' },
  ],
  selected: 'c',
  reason: 'fallback after errors',
  timings: { decision_us: 42, total_ms: 1234 },
  outcome: 'success',
  fallback: { from: 'gpt-4o', to: 'gpt-4o-mini', reason: 'rate_limit' },
  attempts: [
    {
      model_group: 'gpt-4o',
      deployment: 'a',
      outcome: 'error',
      error_code: 'upstream_error',
      error_kind: 'rate_limit',
      status: 429,
      duration_ms: 12,
    },
    { model_group: 'gpt-4o-mini', deployment: 'c', outcome: 'success', duration_ms: 30 },
  ],
};

const MINIMAL: RouterDecision = {
  event: 'routeiq.router_decision.v1',
  request_id: 'req-2',
  timestamp: '2026-11-29T09:00:00.000Z',
  model_group: 'm',
  strategy: 'simple-shuffle',
  strategy_version: 'builtin',
  experiment: undefined,
  strategy_error: undefined,
  candidates: [],
  selected: null,
  reason: 'no_deployment_available',
  timings: { decision_us: 0, total_ms: 0 },
  outcome: 'error',
  attempts: [],
};

describe(routerDecisionJson.name, () => {
  it.each([
    ['every field', FULL],
    ['no optional field, nothing selected', MINIMAL],
  ])('writes what JSON.stringify writes: %s', (_, decision) => {
    const json = routerDecisionJson(decision);

    expect(JSON.parse(json)).toEqual(JSON.parse(JSON.stringify(decision)));
    expect(json).not.toContain('undefined');
  });

  it('writes the fields in the order of the record', () => {
    expect(routerDecisionJson(FULL)).toBe(JSON.stringify(FULL));
  });

  it('escapes what JSON must escape, lone surrogates included', () => {
    const decision = {
      ...MINIMAL,
      request_id: 'quote " backslash \\ newline \n tab \t nul \u0000',
      model_group: 'lone \ud800 surrogate, pair \ud83d\ude00',
      reason: 'ünïcödé – fine as it is',
    };

    const json = routerDecisionJson(decision);

    expect(json).toBe(JSON.stringify(decision));
    expect(JSON.parse(json)).toEqual(decision);
  });

  it('writes a number that is not finite as null, as JSON.stringify does', () => {
    const decision = { ...MINIMAL, timings: { decision_us: Number.NaN, total_ms: Infinity } };

    expect(JSON.parse(routerDecisionJson(decision)).timings).toEqual({
      decision_us: null,
      total_ms: null,
    });
  });
});
