import type { RoutingStrategy } from '../../strategies/routing-strategy';
import type { QualityModelKind } from '../ml.types';
import { BaselineRouterStrategy } from './baseline-router.strategy';
import type { LearnedRouterSource } from './learned-router.source';
import { LearnedRouterStrategy, type DecisionRuleSource } from './learned-router.strategy';

/** `llmrouter-knn`: a kNN router artifact, the best predicted quality (ties → cheaper). */
export class KnnRouterStrategy extends LearnedRouterStrategy {
  readonly name = 'llmrouter-knn';
  protected readonly modelKind: QualityModelKind = 'knn';
}

/** `llmrouter-mlp`: an MLP router artifact, argmax. */
export class MlpRouterStrategy extends LearnedRouterStrategy {
  readonly name = 'llmrouter-mlp';
  protected readonly modelKind: QualityModelKind = 'mlp';
}

/** `llmrouter-svm`: an SVM router artifact, argmax. */
export class SvmRouterStrategy extends LearnedRouterStrategy {
  readonly name = 'llmrouter-svm';
  protected readonly modelKind: QualityModelKind = 'svm';
}

/** `llmrouter-mf`: a matrix-factorisation router artifact, argmax. */
export class MfRouterStrategy extends LearnedRouterStrategy {
  readonly name = 'llmrouter-mf';
  protected readonly modelKind: QualityModelKind = 'mf';
}

/** `llmrouter-elo`: an Elo router artifact, argmax. */
export class EloRouterStrategy extends LearnedRouterStrategy {
  readonly name = 'llmrouter-elo';
  protected readonly modelKind: QualityModelKind = 'elo';
}

/** `llmrouter-hybrid`: any model; the small candidate unless the large one is `quality_gap` better. */
export class HybridRouterStrategy extends LearnedRouterStrategy {
  readonly name = 'llmrouter-hybrid';
  protected readonly modelKind = undefined;
}

/**
 * `llmrouter-cost-aware`: any model; quality against cost (`cost_weight`, `quality_threshold`,
 * `max_cost_per_1k_tokens`). Deployments with an open breaker or cooling down are not in the
 * pool, so they are never chosen.
 */
export class CostAwareRouterStrategy extends LearnedRouterStrategy {
  readonly name = 'llmrouter-cost-aware';
  protected readonly modelKind = undefined;
}

/** `llmrouter-threshold`: any model; strong when its predicted win is ≥ the threshold. */
export class ThresholdRouterStrategy extends LearnedRouterStrategy {
  readonly name = 'llmrouter-threshold';
  protected readonly modelKind = undefined;
}

/** `llmrouter-smallest`: the smallest eligible deployment (a baseline, no model). */
export class SmallestRouterStrategy extends BaselineRouterStrategy {
  readonly name = 'llmrouter-smallest';
}

/** `llmrouter-largest`: the largest eligible deployment (a baseline, no model). */
export class LargestRouterStrategy extends BaselineRouterStrategy {
  readonly name = 'llmrouter-largest';
}

type LearnedClass = new (
  source: LearnedRouterSource,
  ruleFor: DecisionRuleSource,
) => LearnedRouterStrategy;
type BaselineClass = new (ruleFor: DecisionRuleSource) => BaselineRouterStrategy;

const LEARNED: readonly LearnedClass[] = [
  KnnRouterStrategy,
  MlpRouterStrategy,
  SvmRouterStrategy,
  MfRouterStrategy,
  EloRouterStrategy,
  HybridRouterStrategy,
  CostAwareRouterStrategy,
  ThresholdRouterStrategy,
];
const BASELINES: readonly BaselineClass[] = [SmallestRouterStrategy, LargestRouterStrategy];

/**
 * One instance of every `llmrouter-*` strategy that reads a router artifact or none, each with its
 * decision rule (`ruleFor(name)`, checked here so a missing rule fails start-up, not a request).
 * `llmrouter-custom` is built apart: it runs a signed module.
 */
export function llmrouterStrategies(
  source: LearnedRouterSource,
  ruleFor: DecisionRuleSource,
): RoutingStrategy[] {
  const strategies: RoutingStrategy[] = [
    ...LEARNED.map((Strategy) => new Strategy(source, ruleFor)),
    ...BASELINES.map((Strategy) => new Strategy(ruleFor)),
  ];
  for (const strategy of strategies) ruleFor(strategy.name);
  return strategies;
}
