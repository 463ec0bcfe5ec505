import { Logger } from '@nestjs/common';
import type { ResolvedDeployment } from '@routeiq/providers';
import {
  RoutingStrategy,
  type PrepareOptions,
  type RoutingContext,
  type StrategyPick,
} from '../../strategies/routing-strategy';
import { isRemoteEmbedding } from '../featurizer/remote-embedding.featurizer';
import type { DecisionRule, LoadedRouter, PromptFeatures, QualityModelKind } from '../ml.types';
import { BindingCache, bindCandidates, type CandidateBinding } from './candidate-binding';
import type { LearnedRouterSource } from './learned-router.source';
import { TimeBudget, timeoutMsOf } from './time-budget';

type Args = Readonly<Record<string, unknown>>;

/** The decision rule of a strategy, by strategy name (`decisionRuleFor`). */
export type DecisionRuleSource = (strategyName: string) => DecisionRule;

/** Shown as `strategy_version` while no artifact is loaded. */
export const NO_ROUTER_VERSION = 'none';

/**
 * A strategy that predicts each candidate's answer quality from the prompt with the loaded router
 * artifact, then lets its decision rule choose among the candidates that have an eligible
 * deployment. Anything it cannot do — no router, no prompt, no candidate here, a model of another
 * kind, a rule that finds nothing — throws, and the router's default strategy chooses instead
 * (the decision record says why). Never reads or keeps the prompt beyond featurizing it.
 */
export abstract class LearnedRouterStrategy extends RoutingStrategy {
  /** The model kind the strategy needs (`llmrouter-knn` → knn); undefined: any kind. */
  protected abstract readonly modelKind: QualityModelKind | undefined;
  private readonly bindings = new BindingCache();
  private readonly budget: TimeBudget;
  private predicted = new Float64Array(0);
  private merged: { router: LoadedRouter; args: Args; value: Args } | undefined;
  private decide: DecisionRule | undefined;

  /** `ruleFor(name)` gives the strategy's decision rule (looked up once, on first use). */
  constructor(
    private readonly source: LearnedRouterSource,
    private readonly ruleFor: DecisionRuleSource,
    now: () => number = Date.now,
    private readonly clock: () => number = () => performance.now(),
  ) {
    super();
    const logger = new Logger('MlRouting');
    this.budget = new TimeBudget((message) => logger.warn(`${this.name}: ${message}`), now);
  }

  /** The active artifact's version (`LoadedRouter.version`). */
  get version(): string {
    return this.source.router()?.version ?? NO_ROUTER_VERSION;
  }

  /**
   * Embeds the prompt first when the router's featurizer is `remote-embedding` (and the router
   * could decide for this pool); nothing to wait for otherwise.
   */
  override prepare(
    pool: readonly ResolvedDeployment[],
    ctx: RoutingContext,
    options: PrepareOptions,
  ): Promise<void> | undefined {
    const router = this.source.router();
    const embeddings = this.source.embeddings;
    if (!router || !embeddings || !isRemoteEmbedding(router.featurizer)) return undefined;
    if (this.budget.skipping || !this.modelFits(router)) return undefined;
    const text = ctx.prompt?.();
    if (text === undefined || text === '') return undefined;
    if (this.bindings.get(router, pool, () => this.bind(router, pool)).matched === 0) {
      return undefined;
    }
    return embeddings.prepare(ctx, text, router.featurizer, ctx.args, options);
  }

  pick(pool: readonly ResolvedDeployment[], ctx: RoutingContext): StrategyPick {
    this.budget.enter();
    const router = this.source.router();
    if (!router) throw new Error(this.source.unavailableReason());
    if (!this.modelFits(router)) {
      throw new Error(
        `the loaded artifact holds a ${router.model.kind} model, not ${this.modelKind}`,
      );
    }
    const text = ctx.prompt?.();
    if (text === undefined || text === '') throw new Error('the request has no text to route by');
    const binding = this.bindingOf(router, pool);
    const started = this.clock();
    const predicted = router.model.predict(
      this.featuresOf(router, ctx, text),
      this.scratch(router),
    );
    const elapsed = this.clock() - started;
    const budgetMs = timeoutMsOf(ctx.args);
    const over = this.budget.record(elapsed, budgetMs);
    this.decide ??= this.ruleFor(this.name);
    const choice = this.decide(
      predicted,
      binding.facts,
      binding.available,
      this.ruleArgs(router, ctx),
    );
    const served = binding.deployments[choice.index];
    if (!served || served.length === 0) {
      throw new Error(`the decision rule chose no available candidate (${choice.reason})`);
    }
    const deployment =
      served[Math.min(Math.floor(ctx.random() * served.length), served.length - 1)]!;
    const name = router.model.candidates[choice.index]!;
    const late = over ? ` (over budget: ${elapsed.toFixed(1)} ms > ${budgetMs} ms)` : '';
    return { deployment, reason: `${name}: ${choice.reason}${late}`, version: router.version };
  }

  private modelFits(router: LoadedRouter): boolean {
    return this.modelKind === undefined || router.model.kind === this.modelKind;
  }

  /** The prompt's features: featurized here, or its embedding prepared before routing. */
  private featuresOf(router: LoadedRouter, ctx: RoutingContext, text: string): PromptFeatures {
    const featurizer = router.featurizer;
    if (!isRemoteEmbedding(featurizer)) return featurizer.featurize(text);
    const embeddings = this.source.embeddings;
    if (!embeddings) throw new Error('prompt embeddings are not available to this router');
    return embeddings.featuresFor(ctx, text, featurizer);
  }

  private bind(router: LoadedRouter, pool: readonly ResolvedDeployment[]): CandidateBinding {
    return bindCandidates(router.model.candidates, pool, router.artifact.candidate_costs);
  }

  private bindingOf(router: LoadedRouter, pool: readonly ResolvedDeployment[]): CandidateBinding {
    const candidates = router.model.candidates;
    const binding = this.bindings.get(router, pool, () => this.bind(router, pool));
    if (binding.matched === 0) {
      const names = candidates.slice(0, 5).join(', ') + (candidates.length > 5 ? ', …' : '');
      throw new Error(`none of the router's candidates (${names}) has an eligible deployment`);
    }
    return binding;
  }

  private scratch(router: LoadedRouter): Float64Array {
    const n = router.model.candidates.length;
    if (this.predicted.length !== n) this.predicted = new Float64Array(n);
    return this.predicted;
  }

  /**
   * The rule's arguments: the artifact's calibrated `threshold` and its `strong`/`weak` candidates
   * (by name, with `candidate_names` to look them up), overridden by `routing_strategy_args`.
   * Built once per router and config.
   */
  private ruleArgs(router: LoadedRouter, ctx: RoutingContext): Args {
    const cached = this.merged;
    if (cached?.router === router && cached.args === ctx.args) return cached.value;
    const { threshold, strong, weak } = router.artifact;
    const value: Args = {
      ...(threshold !== undefined && { threshold }),
      ...(strong !== undefined && { strong }),
      ...(weak !== undefined && { weak }),
      candidate_names: router.model.candidates,
      ...ctx.args,
    };
    this.merged = { router, args: ctx.args, value };
    return value;
  }
}
