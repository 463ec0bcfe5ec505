import { Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { GatewayMetrics } from '@routeiq/observability';
import type { RouterDecision } from './router-decision';
import { RouterDecisionLog } from './router-decision.log';

/**
 * Turns each `routeiq.router_decision.v1` record into routing metrics: decision time per strategy,
 * retries within a group and fallbacks between groups.
 */
@Injectable()
export class RoutingMetricsListener implements OnModuleInit, OnModuleDestroy {
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly decisions: RouterDecisionLog,
    private readonly metrics: GatewayMetrics,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.decisions.subscribe((decision) => this.record(decision));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  record(decision: RouterDecision): void {
    if (decision.outcome === 'dry_run') return;
    const metrics = this.metrics;
    metrics.routingDecision(
      decision.strategy,
      decision.model_group,
      decision.timings.decision_us / 1_000_000,
    );
    // A call on the same group as the one before is a retry; moving to another group (also with
    // no call on the first, when nothing there was available) is a fallback.
    let group = decision.model_group;
    let previous: string | undefined;
    for (const attempt of decision.attempts) {
      if (attempt.model_group !== group) {
        metrics.routingFallback(
          group,
          attempt.model_group,
          this.reason(decision, attempt.model_group),
        );
        group = attempt.model_group;
      } else if (previous !== undefined) {
        metrics.routingRetry(attempt.model_group, attempt.deployment);
      }
      previous = attempt.deployment;
    }
  }

  private reason(decision: RouterDecision, to: string): string {
    return decision.fallback?.to === to ? decision.fallback.reason : 'fallback';
  }
}
