import type { AttributeValue } from '@opentelemetry/api';
import type { AttributeBlock } from '@routeiq/observability';
import type { RouterDecision, RoutingSession } from '@routeiq/routing';
import { decisionAttributes } from './decision-attributes';

function attributesOf(block: AttributeBlock): Record<string, AttributeValue> {
  return Object.fromEntries(block.keys.map((key, i) => [key, block.values[i]!]));
}

function session(overrides: Partial<RouterDecision> = {}): RoutingSession {
  const decision: RouterDecision = {
    event: 'routeiq.router_decision.v1',
    request_id: 'r-1',
    timestamp: '2026-11-30T00:00:00.000Z',
    model_group: 'group-a',
    strategy: 'simple-shuffle',
    strategy_version: '1',
    candidates: [
      { deployment: 'd-1', state: 'eligible' },
      { deployment: 'd-2', state: 'eligible' },
    ],
    selected: 'd-1',
    reason: 'weighted pick',
    timings: { decision_us: 12, total_ms: 3 },
    outcome: 'success',
    attempts: [],
    ...overrides,
  };
  return { decision } as unknown as RoutingSession;
}

/** What the attributes of `decision` are, set one by one (its time is the span's own). */
function expected(decision: RouterDecision): Record<string, AttributeValue> {
  return {
    'router.strategy': decision.strategy,
    'router.strategy_version': decision.strategy_version,
    'router.model_group': decision.model_group,
    'router.reason': decision.reason,
    'router.candidates': decision.candidates.length,
    'router.outcome': decision.outcome,
    ...(decision.selected && { 'router.selected_deployment': decision.selected }),
    ...(decision.experiment && {
      'router.experiment': `${decision.experiment.id}/${decision.experiment.variant}`,
    }),
    ...(decision.strategy_error && { 'router.strategy_error': decision.strategy_error }),
  };
}

describe('decisionAttributes', () => {
  it('gives the decision attributes, each decision its own, as shapes repeat and change', () => {
    const shapes: Array<Partial<RouterDecision>> = [
      {},
      { selected: 'd-2' },
      {},
      { selected: 'd-2', timings: { decision_us: 40, total_ms: 1 } },
      { outcome: 'error', selected: null, reason: 'no eligible deployment' },
      { outcome: 'error' },
      { strategy: 'least-busy', strategy_version: '2' },
      { experiment: { id: 'exp', variant: 'b' } },
      { experiment: { id: 'exp', variant: 'a' } },
      { strategy_error: 'ml strategy failed' },
      { candidates: [{ deployment: 'd-1', state: 'eligible' }] },
      {},
      { model_group: 'group-b' },
      { selected: 'd-2' },
    ];
    for (const shape of shapes) {
      const routed = session(shape);
      expect(attributesOf(decisionAttributes(routed.decision))).toEqual(expected(routed.decision));
    }
  });

  it('keeps giving the right attributes past the groups it keeps blocks for', () => {
    for (let i = 0; i < 1100; i++) {
      const routed = session({ model_group: `many-${i}`, selected: i % 2 ? 'd-1' : 'd-2' });
      expect(attributesOf(decisionAttributes(routed.decision))).toEqual(expected(routed.decision));
    }
  });
});
