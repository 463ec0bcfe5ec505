import { SUPPORTED_ROUTING_STRATEGIES } from '@routeiq/config';
import { decisionRuleFor } from '../decision/decision-rules';
import type { Featurizer, LoadedRouter, QualityModel, RouterArtifact } from '../ml.types';
import { FixedRouterSource, mlDeployment, promptContext } from './__fixtures__/ml-deployments';
import { bindCandidates } from './candidate-binding';
import {
  CostAwareRouterStrategy,
  HybridRouterStrategy,
  LargestRouterStrategy,
  llmrouterStrategies,
  SmallestRouterStrategy,
  ThresholdRouterStrategy,
} from './llmrouter.strategies';

const featurizer: Featurizer = {
  kind: 'test',
  sparseSize: 1,
  denseSize: 0,
  featurize: () => ({
    sparse: { indices: new Uint32Array(0), values: new Float32Array(0) },
    dense: new Float32Array(0),
  }),
  toJSON: () => ({ kind: 'test', version: 1 }),
};

/** A router whose model predicts `qualities` (by candidate) whatever the prompt. */
function fixedRouter(
  qualities: Record<string, number>,
  artifact: Partial<RouterArtifact> = {},
): LoadedRouter {
  const candidates = Object.keys(qualities);
  const model: QualityModel = {
    kind: 'mlp',
    candidates,
    predict: (_features, out = new Float64Array(candidates.length)) => {
      candidates.forEach((name, i) => (out[i] = qualities[name]!));
      return out;
    },
    toJSON: () => ({ kind: 'mlp' }),
  };
  return {
    sha256: 'ab'.repeat(32),
    version: 'abababababab',
    artifact: { format: 'routeiq.router.v1', created_at: '', candidates, ...artifact },
    featurizer,
    model,
  };
}

const PER_1K = 0.001;
const big = mlDeployment('big', { inputCost: 10 * PER_1K, outputCost: 30 * PER_1K });
const small = mlDeployment('small', { inputCost: 0.1 * PER_1K, outputCost: 0.3 * PER_1K });

describe('llmrouter strategies', () => {
  it('registers one strategy per learned name the config accepts', () => {
    const names = llmrouterStrategies(new FixedRouterSource(), decisionRuleFor).map((s) => s.name);
    const learned = SUPPORTED_ROUTING_STRATEGIES.filter((name) => name.startsWith('llmrouter-'));
    expect([...names, 'llmrouter-custom'].sort()).toEqual([...learned].sort());
  });

  describe('llmrouter-cost-aware', () => {
    const router = fixedRouter({ 'big-model': 0.9, 'small-model': 0.85 });
    const strategy = new CostAwareRouterStrategy(new FixedRouterSource(router), decisionRuleFor);

    it('takes the cheap candidate when its quality is close, by model_info prices', () => {
      const pick = strategy.pick([big, small], promptContext('q', { cost_weight: 0.3 }));
      expect(pick.deployment).toBe(small);
      expect(pick.reason).toMatch(/^small-model: best quality-cost trade-off/);
    });

    it('takes quality when cost does not count', () => {
      expect(strategy.pick([big, small], promptContext('q', { cost_weight: 0 })).deployment).toBe(
        big,
      );
    });

    it('never picks a deployment outside the pool (breaker open, cooling down)', () => {
      expect(strategy.pick([big], promptContext('q', { cost_weight: 0.3 })).deployment).toBe(big);
    });

    it("uses the artifact's candidate_costs when model_info has no prices", () => {
      const priced = fixedRouter(
        { 'big-model': 0.9, 'small-model': 0.85 },
        { candidate_costs: { 'big-model': 20, 'small-model': 0.2 } },
      );
      const unpriced = [mlDeployment('big'), mlDeployment('small')];
      const pick = new CostAwareRouterStrategy(new FixedRouterSource(priced), decisionRuleFor).pick(
        unpriced,
        promptContext('q', { cost_weight: 0.3 }),
      );
      expect(pick.deployment).toBe(unpriced[1]);
    });
  });

  describe('llmrouter-threshold', () => {
    const router = fixedRouter(
      { 'big-model': 0.8, 'small-model': 0.6 },
      { strong: 'big-model', weak: 'small-model', threshold: 0.3 },
    );
    const strategy = new ThresholdRouterStrategy(new FixedRouterSource(router), decisionRuleFor);

    it("uses the artifact's strong/weak pair and calibrated threshold", () => {
      expect(strategy.pick([big, small], promptContext('q')).deployment).toBe(small);
    });

    it('lets routing_strategy_args.threshold override the calibrated one', () => {
      const pick = strategy.pick([big, small], promptContext('q', { threshold: 0.1 }));
      expect(pick.deployment).toBe(big);
      expect(pick.reason).toContain('strong model');
    });
  });

  describe('llmrouter-hybrid', () => {
    it('prefers the small model unless the large one is quality_gap better', () => {
      const router = fixedRouter({ 'big-model': 0.9, 'small-model': 0.7 });
      const strategy = new HybridRouterStrategy(new FixedRouterSource(router), decisionRuleFor);
      expect(strategy.pick([big, small], promptContext('q')).deployment).toBe(big);
      const wide = promptContext('q', { quality_gap: 0.5 });
      expect(strategy.pick([big, small], wide).deployment).toBe(small);
    });
  });

  describe('baselines', () => {
    const tiny = mlDeployment('tiny', { extra: { parameters_b: 8 } });
    const huge = mlDeployment('huge', { extra: { parameters_b: 405 } });

    it('llmrouter-smallest / -largest go by model_info.parameters_b, without reading the prompt', () => {
      const ctx = promptContext('never read');
      expect(new SmallestRouterStrategy(decisionRuleFor).pick([huge, tiny], ctx).deployment).toBe(
        tiny,
      );
      expect(new LargestRouterStrategy(decisionRuleFor).pick([tiny, huge], ctx).deployment).toBe(
        huge,
      );
      expect(ctx.reads()).toBe(0);
    });

    it('fall back to price when no size is configured', () => {
      const ctx = promptContext(undefined);
      expect(new SmallestRouterStrategy(decisionRuleFor).pick([big, small], ctx).deployment).toBe(
        small,
      );
      expect(new LargestRouterStrategy(decisionRuleFor).pick([small, big], ctx).deployment).toBe(
        big,
      );
    });
  });
});

describe(bindCandidates.name, () => {
  it('prices a candidate by its first priced deployment, else by the artifact, per 1k tokens', () => {
    const binding = bindCandidates(
      ['big-model', 'small-model', 'absent'],
      [mlDeployment('big'), big, small],
      { 'big-model': 99, absent: 1 },
    );
    expect(binding.available).toEqual([true, true, false]);
    expect(binding.matched).toBe(2);
    expect(binding.facts[0]!.costPer1k).toBeCloseTo(20);
    expect(binding.facts[1]!.costPer1k).toBeCloseTo(0.2);
    expect(binding.facts[2]).toEqual({ costPer1k: 1, size: undefined });
    expect(binding.deployments[0]!.map((d) => d.id)).toEqual(['big', 'big']);
  });

  it('ignores hostile artifact costs', () => {
    const binding = bindCandidates(['a'], [], { a: -5 });
    expect(binding.facts[0]!.costPer1k).toBeUndefined();
    expect(bindCandidates(['toString'], [], {}).facts[0]!.costPer1k).toBeUndefined();
  });
});
