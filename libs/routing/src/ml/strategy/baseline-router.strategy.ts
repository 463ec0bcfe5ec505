import type { ResolvedDeployment } from '@routeiq/providers';
import {
  RoutingStrategy,
  type RoutingContext,
  type StrategyPick,
} from '../../strategies/routing-strategy';
import type { DecisionRule } from '../ml.types';
import { BindingCache, bindDeployments } from './candidate-binding';
import type { DecisionRuleSource } from './learned-router.strategy';

/** Bindings of baselines belong to no router: one owner for all. */
const DEPLOYMENTS = {};

/**
 * A learned-routing baseline that needs no model and no prompt (`llmrouter-smallest`,
 * `llmrouter-largest`): every eligible deployment is a candidate, sized by
 * `model_info.parameters_b` (else priced by `model_info`), and the decision rule chooses.
 */
export abstract class BaselineRouterStrategy extends RoutingStrategy {
  readonly version = '1';
  private readonly bindings = new BindingCache();
  private predicted = new Float64Array(0);
  private decide: DecisionRule | undefined;

  /** `ruleFor(name)` gives the strategy's decision rule (looked up once, on first use). */
  constructor(private readonly ruleFor: DecisionRuleSource) {
    super();
  }

  pick(pool: readonly ResolvedDeployment[], ctx: RoutingContext): StrategyPick {
    const binding = this.bindings.get(DEPLOYMENTS, pool, () => bindDeployments(pool));
    // Nothing is predicted: every candidate's quality is the same.
    if (this.predicted.length !== pool.length) this.predicted = new Float64Array(pool.length);
    this.decide ??= this.ruleFor(this.name);
    const choice = this.decide(this.predicted, binding.facts, binding.available, ctx.args);
    const deployment = pool[choice.index];
    if (!deployment) throw new Error(`the decision rule chose no deployment (${choice.reason})`);
    return { deployment, reason: choice.reason };
  }
}
