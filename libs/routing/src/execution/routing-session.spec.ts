import { DEFAULT_ROUTER_SETTINGS, type RouterSettings } from '@routeiq/config';
import { ProviderErrorKind, ProviderException, type ResolvedDeployment } from '@routeiq/providers';
import type { RouterDecision } from '../decision/router-decision';
import { buildModelGroup, type ModelGroup } from '../model-group';
import type { RoutingContext, RoutingStrategy } from '../strategies/routing-strategy';
import type { Selection, StrategyChoice } from './deployment-selector';
import type { RouteCompletion, RouteRequest } from './route-request';
import { RoutingSession, type RoutingRuntime } from './routing-session';

function deployment(id: string, group: string): ResolvedDeployment {
  return {
    id,
    modelName: group,
    config: { litellmParams: {} },
    adapter: { capabilities: new Set(['chat', 'streaming']) },
  } as unknown as ResolvedDeployment;
}

function failure(
  status: number,
  message = 'upstream failed',
  headers?: Record<string, string>,
  kind?: ProviderErrorKind,
) {
  return new ProviderException({ status, code: 'upstream_error', message, headers }, kind);
}

const BASE_SETTINGS: RouterSettings = DEFAULT_ROUTER_SETTINGS;

/** A runtime whose groups and unavailable deployments the test sets; picks the first eligible. */
class FakeRuntime implements RoutingRuntime {
  readonly groups = new Map<string, ModelGroup>();
  readonly cooling = new Set<string>();
  /** When nothing is eligible: every deployment is over its rpm/tpm (rather than cooling). */
  overLimit = false;
  readonly events: string[] = [];
  readonly published: RouterDecision[] = [];
  settings: RouterSettings = BASE_SETTINGS;

  add(name: string, ...ids: string[]): ModelGroup {
    const group = buildModelGroup(
      name,
      ids.map((id) => deployment(id, name)),
      0,
    );
    this.groups.set(name, group);
    return group;
  }

  capableIn(group: string): readonly ResolvedDeployment[] | undefined {
    return this.groups.get(group)?.deployments;
  }

  select(
    capable: readonly ResolvedDeployment[],
    _request: RouteRequest,
    _choice: StrategyChoice,
    _ctx: RoutingContext,
    tried: ReadonlySet<string> = new Set(),
  ): Selection {
    const pick = capable.find((d) => !tried.has(d.id) && !this.cooling.has(d.id));
    return {
      deployment: pick,
      reason: pick ? 'first eligible' : 'none eligible',
      overLimit: !pick && this.overLimit,
    };
  }

  retryAfterSeconds(): number {
    return 7;
  }
  attemptStarted(d: ResolvedDeployment): void {
    this.events.push(`start ${d.id}`);
  }
  attemptFailed(d: ResolvedDeployment): void {
    this.events.push(`fail ${d.id}`);
  }
  attemptSucceeded(d: ResolvedDeployment): void {
    this.events.push(`ok ${d.id}`);
  }
  completed(d: ResolvedDeployment, completion: RouteCompletion): void {
    this.events.push(completion.error === undefined ? `done ${d.id}` : `done ${d.id} failed`);
  }
  publish(decision: RouterDecision): void {
    this.published.push(decision);
  }
}

const strategy = { name: 'test', version: '1' } as RoutingStrategy;
const choice: StrategyChoice = { strategy, fallback: strategy, onError: () => undefined };

function request(extra: Partial<RouteRequest> = {}): RouteRequest {
  return {
    model: 'a',
    capability: 'chat',
    needs: [],
    stream: false,
    requestId: 'req-1',
    estimatedTokens: 10,
    allowsModel: () => true,
    ...extra,
  };
}

function session(runtime: FakeRuntime, group: string, extra: Partial<RouteRequest> = {}) {
  const model = runtime.groups.get(group)!;
  return new RoutingSession(
    runtime,
    request({ model: group, ...extra }),
    model,
    model.deployments,
    choice,
    {} as RoutingContext,
    undefined,
  );
}

/** An attempt that fails on the listed deployments (in order of calls) and answers elsewhere. */
function scripted(failures: Record<string, Error[]>) {
  const calls: string[] = [];
  const attempt = async (d: ResolvedDeployment): Promise<string> => {
    calls.push(d.id);
    const next = failures[d.id]?.shift();
    if (next !== undefined) throw next;
    return `answer from ${d.id}`;
  };
  return { calls, attempt };
}

const signal = new AbortController().signal;

describe(RoutingSession.name, () => {
  let runtime: FakeRuntime;
  beforeEach(() => {
    runtime = new FakeRuntime();
  });

  it('answers from the first choice and records the decision once finished', async () => {
    runtime.add('a', 'a1', 'a2');
    const routed = session(runtime, 'a');
    const { calls, attempt } = scripted({});
    await expect(routed.run(attempt, signal)).resolves.toMatchObject({
      value: 'answer from a1',
      deployment: { id: 'a1' },
    });
    expect(calls).toEqual(['a1']);
    expect(runtime.published).toHaveLength(0);
    routed.finish({ ok: true, tokens: 5 });
    routed.finish({ ok: true, tokens: 5 });
    expect(runtime.published).toHaveLength(1);
    expect(runtime.published[0]).toMatchObject({
      event: 'routeiq.router_decision.v1',
      model_group: 'a',
      strategy: 'test',
      selected: 'a1',
      outcome: 'success',
      attempts: [{ deployment: 'a1', outcome: 'success' }],
    });
    expect(runtime.events).toEqual(['start a1', 'ok a1', 'done a1']);
  });

  it('retries another deployment of the group, up to num_retries', async () => {
    runtime.add('a', 'a1', 'a2', 'a3');
    runtime.settings = { ...BASE_SETTINGS, num_retries: 1 };
    const { calls, attempt } = scripted({ a1: [failure(503)], a2: [failure(503)] });
    await expect(session(runtime, 'a').run(attempt, signal)).rejects.toMatchObject({
      status: 503,
    });
    expect(calls).toEqual(['a1', 'a2']);

    const again = scripted({ a1: [failure(500)] });
    await expect(session(runtime, 'a').run(again.attempt, signal)).resolves.toMatchObject({
      deployment: { id: 'a2' },
    });
  });

  it('uses the request num_retries over the router setting', async () => {
    runtime.add('a', 'a1', 'a2', 'a3');
    const { calls, attempt } = scripted({ a1: [failure(503)], a2: [failure(503)] });
    await expect(
      session(runtime, 'a', { numRetries: 2 }).run(attempt, signal),
    ).resolves.toMatchObject({ deployment: { id: 'a3' } });
    expect(calls).toEqual(['a1', 'a2', 'a3']);
  });

  it('never retries or falls back on a bad request', async () => {
    runtime.add('a', 'a1', 'a2');
    runtime.add('b', 'b1');
    runtime.settings = { ...BASE_SETTINGS, num_retries: 3, fallbacks: { a: ['b'] } };
    const { calls, attempt } = scripted({ a1: [failure(400, 'bad field')] });
    await expect(session(runtime, 'a').run(attempt, signal)).rejects.toMatchObject({
      status: 400,
    });
    expect(calls).toEqual(['a1']);
  });

  it('waits and retries the same deployment when it is the only one', async () => {
    runtime.add('a', 'a1');
    runtime.settings = { ...BASE_SETTINGS, num_retries: 2 };
    const { calls, attempt } = scripted({
      a1: [failure(429, 'slow down', { 'retry-after': '0' }), failure(502)],
    });
    await expect(session(runtime, 'a').run(attempt, signal)).resolves.toMatchObject({
      value: 'answer from a1',
    });
    expect(calls).toEqual(['a1', 'a1', 'a1']);
  });

  it('does not wait for a long retry-after: it moves on to the fallbacks', async () => {
    runtime.add('a', 'a1');
    runtime.add('b', 'b1');
    runtime.settings = { ...BASE_SETTINGS, num_retries: 3, fallbacks: { a: ['b'] } };
    const { calls, attempt } = scripted({ a1: [failure(429, 'x', { 'retry-after': '60' })] });
    const routed = session(runtime, 'a');
    await expect(routed.run(attempt, signal)).resolves.toMatchObject({ deployment: { id: 'b1' } });
    expect(calls).toEqual(['a1', 'b1']);
    expect(routed.decision.fallback).toEqual({
      from: 'a',
      to: 'b',
      reason: ProviderErrorKind.RateLimited,
    });
  });

  it('falls back in order, each group with its own attempts', async () => {
    runtime.add('a', 'a1');
    runtime.add('b', 'b1');
    runtime.add('c', 'c1');
    runtime.settings = { ...BASE_SETTINGS, fallbacks: { a: ['b', 'c'] } };
    const { calls, attempt } = scripted({ a1: [failure(503)], b1: [failure(500)] });
    const routed = session(runtime, 'a');
    await expect(routed.run(attempt, signal)).resolves.toMatchObject({ deployment: { id: 'c1' } });
    expect(calls).toEqual(['a1', 'b1', 'c1']);
    routed.finish({ ok: true, tokens: 1 });
    expect(runtime.published[0]?.attempts.map((a) => `${a.deployment}:${a.outcome}`)).toEqual([
      'a1:error',
      'b1:error',
      'c1:success',
    ]);
    expect(runtime.published[0]?.fallback).toMatchObject({ from: 'a', to: 'c' });
  });

  it("writes its record as JSON in the documented field order, a fallback's included", async () => {
    runtime.add('a', 'a1');
    runtime.add('b', 'b1');
    runtime.settings = { ...BASE_SETTINGS, fallbacks: { a: ['b'] } };
    const { attempt } = scripted({ a1: [failure(503)] });
    const routed = session(runtime, 'a');
    await routed.run(attempt, signal);
    routed.finish({ ok: true, tokens: 1 });
    // The routing span's event carries JSON.stringify of the record: keys as documented
    // (docs/routing.md), optional ones only when set.
    expect(Object.keys(JSON.parse(JSON.stringify(runtime.published[0])) as object)).toEqual([
      'event',
      'request_id',
      'timestamp',
      'model_group',
      'strategy',
      'strategy_version',
      'candidates',
      'selected',
      'reason',
      'timings',
      'outcome',
      'fallback',
      'attempts',
    ]);
    const plain = session(runtime, 'b');
    await plain.run(scripted({}).attempt, signal);
    plain.finish({ ok: true, tokens: 1 });
    expect(JSON.stringify(runtime.published[1])).not.toMatch(/fallback|experiment|undefined/);
  });

  it('chooses context-window and content-policy fallbacks by the error kind', async () => {
    runtime.add('a', 'a1');
    runtime.add('big', 'big1');
    runtime.add('lenient', 'l1');
    runtime.add('general', 'g1');
    runtime.settings = {
      ...BASE_SETTINGS,
      context_window_fallbacks: { a: ['big'] },
      content_policy_fallbacks: { a: ['lenient'] },
      fallbacks: { a: ['general'] },
    };
    const context = scripted({
      a1: [failure(400, 'too long', {}, ProviderErrorKind.ContextWindowExceeded)],
    });
    await expect(session(runtime, 'a').run(context.attempt, signal)).resolves.toMatchObject({
      deployment: { id: 'big1' },
    });
    const policy = scripted({ a1: [failure(400, 'flagged', {}, ProviderErrorKind.ContentPolicy)] });
    await expect(session(runtime, 'a').run(policy.attempt, signal)).resolves.toMatchObject({
      deployment: { id: 'l1' },
    });
    const other = scripted({ a1: [failure(503)] });
    await expect(session(runtime, 'a').run(other.attempt, signal)).resolves.toMatchObject({
      deployment: { id: 'g1' },
    });
  });

  it('uses default_fallbacks for a group without its own, and skips groups the key may not use', async () => {
    runtime.add('a', 'a1');
    runtime.add('secret', 's1');
    runtime.add('open', 'o1');
    runtime.settings = { ...BASE_SETTINGS, default_fallbacks: ['secret', 'open'] };
    const { calls, attempt } = scripted({ a1: [failure(502)] });
    const routed = session(runtime, 'a', { allowsModel: (group) => group !== 'secret' });
    await expect(routed.run(attempt, signal)).resolves.toMatchObject({ deployment: { id: 'o1' } });
    expect(calls).toEqual(['a1', 'o1']);
  });

  it('answers 503 with retry-after when every deployment is cooling down and nothing falls back', async () => {
    runtime.add('a', 'a1', 'a2');
    runtime.cooling.add('a1').add('a2');
    const routed = session(runtime, 'a');
    const { calls, attempt } = scripted({});
    await expect(routed.run(attempt, signal)).rejects.toMatchObject({
      status: 503,
      code: 'no_deployment_available',
      headers: { 'retry-after': '7' },
    });
    expect(calls).toEqual([]);
    routed.finish({ ok: false, tokens: 0 });
    expect(runtime.published[0]).toMatchObject({ outcome: 'error', selected: null });
  });

  it('answers 429 with retry-after until the next minute when every deployment is over its limits', async () => {
    runtime.add('a', 'a1');
    runtime.cooling.add('a1');
    runtime.overLimit = true;
    jest.spyOn(Date, 'now').mockReturnValue(Date.UTC(2026, 10, 28, 15, 2, 44, 500));
    try {
      await expect(session(runtime, 'a').run(scripted({}).attempt, signal)).rejects.toMatchObject({
        status: 429,
        code: 'no_deployment_available',
        headers: { 'retry-after': '16' },
      });
    } finally {
      jest.restoreAllMocks();
    }
  });

  it('goes to a fallback group when the whole group is cooling down', async () => {
    runtime.add('a', 'a1');
    runtime.add('b', 'b1');
    runtime.cooling.add('a1');
    runtime.settings = { ...BASE_SETTINGS, fallbacks: { a: ['b'] } };
    const { calls, attempt } = scripted({});
    await expect(session(runtime, 'a').run(attempt, signal)).resolves.toMatchObject({
      deployment: { id: 'b1' },
    });
    expect(calls).toEqual(['b1']);
  });

  it('answers 504 request_timeout once the request deadline has passed', async () => {
    runtime.add('a', 'a1', 'a2');
    runtime.settings = { ...BASE_SETTINGS, num_retries: 5 };
    const attempt = (_d: ResolvedDeployment, s: AbortSignal): Promise<string> =>
      new Promise((_resolve, reject) => {
        s.addEventListener('abort', () => reject(ProviderException.clientClosed()));
      });
    await expect(
      session(runtime, 'a', { timeoutMs: 50 }).run(attempt, signal),
    ).rejects.toMatchObject({
      status: 504,
      code: 'request_timeout',
    });
  });

  it('stops the deadline once the answer has started: a committed stream is not cut', async () => {
    runtime.add('a', 'a1');
    const routed = session(runtime, 'a', { timeoutMs: 30 });
    let attemptSignal: AbortSignal | undefined;
    await routed.run(async (_d, s) => {
      attemptSignal = s;
      return 'head';
    }, signal);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(attemptSignal?.aborted).toBe(false);
  });

  it('counts a failure after the first byte against the deployment', async () => {
    runtime.add('a', 'a1');
    const routed = session(runtime, 'a');
    await routed.run(scripted({}).attempt, signal);
    routed.finish({ ok: false, tokens: 0, error: failure(502) });
    expect(runtime.events).toEqual(['start a1', 'ok a1', 'done a1 failed']);
  });

  it('stops at once when the client goes away', async () => {
    runtime.add('a', 'a1', 'a2');
    runtime.settings = { ...BASE_SETTINGS, num_retries: 5, fallbacks: { a: ['a'] } };
    const client = new AbortController();
    const { calls, attempt } = scripted({});
    const failing = async (d: ResolvedDeployment): Promise<string> => {
      client.abort();
      await attempt(d);
      throw ProviderException.clientClosed();
    };
    await expect(session(runtime, 'a').run(failing, client.signal)).rejects.toMatchObject({
      status: 499,
    });
    expect(calls).toEqual(['a1']);
  });
});
