import { Logger } from '@nestjs/common';
import type { ResolvedDeployment } from '@routeiq/providers';
import {
  RoutingStrategy,
  type RoutingContext,
  type StrategyPick,
} from '../../strategies/routing-strategy';
import type { CustomRouter } from '../artifact/custom-router.types';
import type { DecisionRule } from '../ml.types';
import { BindingCache, bindCandidates, type CandidateBinding } from './candidate-binding';
import { routerCandidateOf } from './deployment-facts';
import { NO_ROUTER_VERSION, type DecisionRuleSource } from './learned-router.strategy';
import { TimeBudget, timeoutMsOf } from './time-budget';

/** Where `llmrouter-custom` gets its module, and why there is none. */
export interface CustomRouterSource {
  customRouter(): CustomRouter | undefined;
  customUnavailableReason(): string;
}

interface NamedBinding extends CandidateBinding {
  readonly names: readonly string[];
}

/**
 * `llmrouter-custom`: a signed JS module from LLMROUTER_CUSTOM_ROUTERS_PATH chooses. Its
 * candidates are the eligible deployments by name (`model_info.router_candidate`, else the model
 * id without the provider prefix; deployments sharing a name are one candidate). A `pick` module
 * chooses directly; a `predict` module gives qualities and the decision rule chooses. Failures
 * throw, so the default strategy chooses instead.
 */
export class CustomRouterStrategy extends RoutingStrategy {
  readonly name = 'llmrouter-custom';
  private readonly bindings = new BindingCache<NamedBinding>();
  private readonly budget: TimeBudget;
  private decide: DecisionRule | undefined;

  constructor(
    private readonly source: CustomRouterSource,
    private readonly ruleFor: DecisionRuleSource,
    now: () => number = Date.now,
    private readonly clock: () => number = () => performance.now(),
  ) {
    super();
    const logger = new Logger('MlRouting');
    this.budget = new TimeBudget((message) => logger.warn(`${this.name}: ${message}`), now);
  }

  /** The active module's version (first 12 hex digits of its sha256). */
  get version(): string {
    return this.source.customRouter()?.version ?? NO_ROUTER_VERSION;
  }

  pick(pool: readonly ResolvedDeployment[], ctx: RoutingContext): StrategyPick {
    this.budget.enter();
    const router = this.source.customRouter();
    if (!router) throw new Error(this.source.customUnavailableReason());
    const text = ctx.prompt?.();
    if (text === undefined || text === '') throw new Error('the request has no text to route by');
    const binding = this.bindings.get(router, pool, () => bindByName(pool));
    const started = this.clock();
    const choice = this.choose(router, binding, text, ctx);
    const elapsed = this.clock() - started;
    const budgetMs = timeoutMsOf(ctx.args);
    const over = this.budget.record(elapsed, budgetMs);
    const served = binding.deployments[choice.index];
    if (!served || served.length === 0) {
      throw new Error(`the custom router chose no available candidate (${choice.reason})`);
    }
    const deployment =
      served[Math.min(Math.floor(ctx.random() * served.length), served.length - 1)]!;
    const late = over ? ` (over budget: ${elapsed.toFixed(1)} ms > ${budgetMs} ms)` : '';
    return {
      deployment,
      reason: `${binding.names[choice.index]}: ${choice.reason}${late}`,
      version: router.version,
    };
  }

  private choose(
    router: CustomRouter,
    binding: NamedBinding,
    text: string,
    ctx: RoutingContext,
  ): { readonly index: number; readonly reason: string } {
    if (router.kind === 'pick') return router.pick(binding.names, text, ctx.args);
    const predicted = router.predict(text, binding.names);
    this.decide ??= this.ruleFor(this.name);
    return this.decide(predicted, binding.facts, binding.available, ctx.args);
  }
}

function bindByName(pool: readonly ResolvedDeployment[]): NamedBinding {
  const names = [
    ...new Set(pool.map((deployment) => routerCandidateOf(deployment) ?? deployment.upstreamModel)),
  ];
  return { ...bindCandidates(names, pool, undefined), names };
}
