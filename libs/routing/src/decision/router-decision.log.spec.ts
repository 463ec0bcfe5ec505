import type { RouterDecision } from './router-decision';
import { RouterDecisionLog } from './router-decision.log';

function decision(id: number, group = 'g', strategy = 's', decisionUs = id): RouterDecision {
  return {
    event: 'routeiq.router_decision.v1',
    request_id: `r${id}`,
    timestamp: new Date(0).toISOString(),
    model_group: group,
    strategy,
    strategy_version: '1',
    candidates: [],
    selected: 'd',
    reason: 'x',
    timings: { decision_us: decisionUs, total_ms: 1 },
    outcome: 'success',
    attempts: [],
  };
}

describe(RouterDecisionLog.name, () => {
  it('keeps the newest 500, newest first, filtered by group on request', () => {
    const log = new RouterDecisionLog();
    for (let i = 1; i <= 520; i++) log.publish(decision(i, i % 2 === 0 ? 'even' : 'odd'));
    expect(log.recent(3).map((d) => d.request_id)).toEqual(['r520', 'r519', 'r518']);
    expect(log.recent(2, 'odd').map((d) => d.request_id)).toEqual(['r519', 'r517']);
    expect(log.recent(1000)).toHaveLength(500);
    expect(log.recent(1000).at(-1)?.request_id).toBe('r21');
  });

  it('summarises decision time per strategy', () => {
    const log = new RouterDecisionLog();
    for (let i = 1; i <= 100; i++) log.publish(decision(i, 'g', 'fast', i));
    log.publish(decision(1, 'g', 'slow', 900));
    const timings = log.timings();
    expect(timings).toContainEqual({ strategy: 'fast', decisions: 100, p50_us: 51, p99_us: 100 });
    expect(timings).toContainEqual({ strategy: 'slow', decisions: 1, p50_us: 900, p99_us: 900 });
  });

  it('hands every record to listeners; a listener that throws does not stop the others', () => {
    const log = new RouterDecisionLog();
    const seen: string[] = [];
    log.subscribe(() => {
      throw new Error('broken listener');
    });
    const unsubscribe = log.subscribe((d) => seen.push(d.request_id));
    log.publish(decision(1));
    unsubscribe();
    log.publish(decision(2));
    expect(seen).toEqual(['r1']);
    expect(log.recent(5)).toHaveLength(2);
  });
});
