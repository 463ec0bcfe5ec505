import { decisionRuleFor } from '../decision/decision-rules';
import type { LoadedRouter } from '../ml.types';
import { CODE_PROMPT, codePoetryArtifact, POETRY_PROMPT } from './__fixtures__/code-poetry.router';
import {
  FixedRouterSource,
  loadedRouter,
  mlDeployment,
  promptContext,
} from './__fixtures__/ml-deployments';
import { LearnedRouterStrategy, NO_ROUTER_VERSION } from './learned-router.strategy';
import { KnnRouterStrategy, MlpRouterStrategy } from './llmrouter.strategies';
import { OVER_BUDGET_SKIP_MS, OVER_BUDGET_STRIKES } from './time-budget';

const router = loadedRouter(
  codePoetryArtifact(['coder', 'poet'], { code: 'coder', poetry: 'poet' }),
);
const coder = mlDeployment('dep-a', { model: 'coder' });
const poet = mlDeployment('dep-b', { model: 'poet' });

function knn(source = new FixedRouterSource(router)): KnnRouterStrategy {
  return new KnnRouterStrategy(source, decisionRuleFor);
}

describe(LearnedRouterStrategy.name, () => {
  it('routes by prompt: code to the coder, poetry to the poet, with the artifact version', () => {
    const strategy = knn();
    const code = strategy.pick([coder, poet], promptContext(CODE_PROMPT));
    expect(code.deployment).toBe(coder);
    expect(code.reason).toMatch(/^coder: highest predicted quality/);
    expect(code.version).toBe(router.version);
    expect(strategy.pick([coder, poet], promptContext(POETRY_PROMPT)).deployment).toBe(poet);
    expect(strategy.version).toBe(router.version);
  });

  it('never puts the prompt in the reason', () => {
    const pick = knn().pick([coder, poet], promptContext(CODE_PROMPT));
    expect(pick.reason).not.toContain('TypeScript');
  });

  it('chooses only among the pool it is given (unavailable deployments are not in it)', () => {
    const pick = knn().pick([poet], promptContext(CODE_PROMPT));
    expect(pick.deployment).toBe(poet);
  });

  it('maps candidates by model_info.id, then router_candidate, then model id, then group', () => {
    const byId = mlDeployment('coder', { model: 'poet' });
    const byCandidate = mlDeployment('x1', { model: 'poet', extra: { router_candidate: 'coder' } });
    const byGroup = mlDeployment('x2', { model: 'other', group: 'coder' });
    for (const deployment of [byId, byCandidate, byGroup]) {
      const pick = knn().pick([deployment, poet], promptContext(CODE_PROMPT));
      expect(pick.deployment).toBe(deployment);
    }
  });

  it('spreads a candidate served by several deployments over them', () => {
    const twin = mlDeployment('dep-a2', { model: 'coder' });
    const strategy = knn();
    const low = strategy.pick(
      [coder, twin, poet],
      promptContext(CODE_PROMPT, {}, () => 0),
    );
    const high = strategy.pick(
      [coder, twin, poet],
      promptContext(CODE_PROMPT, {}, () => 0.99),
    );
    expect([low.deployment, high.deployment]).toEqual([coder, twin]);
  });

  it('throws (so the default strategy chooses) without a router, naming why', () => {
    const source = new FixedRouterSource();
    source.reason = 'the router artifact did not load: signature_invalid';
    const strategy = knn(source);
    expect(() => strategy.pick([coder, poet], promptContext(CODE_PROMPT))).toThrow(
      'the router artifact did not load: signature_invalid',
    );
    expect(strategy.version).toBe(NO_ROUTER_VERSION);
  });

  it('throws without prompt text, and when no candidate has a deployment here', () => {
    expect(() => knn().pick([coder, poet], promptContext(undefined))).toThrow(/no text/);
    expect(() => knn().pick([coder, poet], promptContext(''))).toThrow(/no text/);
    const stranger = mlDeployment('z', { model: 'unknown-model', group: 'elsewhere' });
    expect(() => knn().pick([stranger], promptContext(CODE_PROMPT))).toThrow(
      /none of the router's candidates \(coder, poet\)/,
    );
  });

  it('refuses an artifact of another model kind than the strategy names', () => {
    const mlp = new MlpRouterStrategy(new FixedRouterSource(router), decisionRuleFor);
    expect(() => mlp.pick([coder, poet], promptContext(CODE_PROMPT))).toThrow(
      'the loaded artifact holds a knn model, not mlp',
    );
  });

  it('passes a model failure on (the router falls back)', () => {
    const broken: LoadedRouter = {
      ...router,
      model: {
        ...router.model,
        candidates: router.model.candidates,
        kind: 'knn',
        predict: () => {
          throw new RangeError('corrupt index');
        },
      },
    };
    expect(() =>
      knn(new FixedRouterSource(broken)).pick([coder, poet], promptContext(CODE_PROMPT)),
    ).toThrow('corrupt index');
  });

  it('follows a router swap at the next pick', () => {
    const source = new FixedRouterSource(router);
    const strategy = knn(source);
    expect(strategy.pick([coder, poet], promptContext(CODE_PROMPT)).deployment).toBe(coder);
    const swapped = loadedRouter(
      codePoetryArtifact(['coder', 'poet'], { code: 'poet', poetry: 'coder' }),
    );
    source.current = swapped;
    const pick = strategy.pick([coder, poet], promptContext(CODE_PROMPT));
    expect(pick.deployment).toBe(poet);
    expect(pick.version).toBe(swapped.version);
    expect(swapped.version).not.toBe(router.version);
  });

  describe('time budget', () => {
    function slowStrategy(stepMs: number, now: { t: number }): KnnRouterStrategy {
      let clock = 0;
      return new KnnRouterStrategy(
        new FixedRouterSource(router),
        decisionRuleFor,
        () => now.t,
        () => (clock += stepMs),
      );
    }

    it('still answers a slow decision, saying it was over budget', () => {
      const pick = slowStrategy(8, { t: 0 }).pick([coder, poet], promptContext(CODE_PROMPT));
      expect(pick.deployment).toBe(coder);
      expect(pick.reason).toContain('over budget: 8.0 ms > 5 ms');
    });

    it('honours timeout_ms', () => {
      const ctx = promptContext(CODE_PROMPT, { timeout_ms: 10 });
      expect(slowStrategy(8, { t: 0 }).pick([coder, poet], ctx).reason).not.toContain('budget');
    });

    it('is skipped for a while after repeated slow decisions, then tried again', () => {
      const now = { t: 1_000 };
      const strategy = slowStrategy(8, now);
      for (let i = 0; i < OVER_BUDGET_STRIKES; i++) {
        strategy.pick([coder, poet], promptContext(CODE_PROMPT));
      }
      expect(() => strategy.pick([coder, poet], promptContext(CODE_PROMPT))).toThrow(
        /skipped until .*over its time budget/,
      );
      now.t += OVER_BUDGET_SKIP_MS;
      expect(strategy.pick([coder, poet], promptContext(CODE_PROMPT)).deployment).toBe(coder);
    });
  });
});
