import { Injectable, Logger } from '@nestjs/common';
import type { ResolvedDeployment } from '@routeiq/providers';
import type { RouteCompletion, RouteRequest } from '../execution/route-request';
import type { RouterDecision } from './router-decision';

const CAPACITY = 500;

/**
 * What a listener may know about a decision's request beyond the record, which never holds prompt
 * text: the request itself (its lazy prompt accessor included), the deployment that answered and
 * how the request ended. Listeners must not keep it past their call.
 */
export interface DecisionSubject {
  readonly request: RouteRequest;
  /** Undefined when no deployment answered. */
  readonly servedDeployment: ResolvedDeployment | undefined;
  /** As the caller reported it at the end of the request. */
  readonly completion: RouteCompletion | undefined;
}

/** A decision listener; the router publishes every decision with its subject. */
export type DecisionListener = (decision: RouterDecision, subject?: DecisionSubject) => void;

/** Per strategy: how many decisions and how long choosing took (µs), for `GET /router/info`. */
export interface DecisionTimingSummary {
  readonly strategy: string;
  readonly decisions: number;
  readonly p50_us: number;
  readonly p99_us: number;
}

/**
 * Where every `routeiq.router_decision.v1` record goes once its request has ended: a ring of the
 * most recent ones (`GET /router/decisions`) and the listeners (observability, the training
 * export). Listeners run synchronously and must be cheap; one that throws is logged, not fatal.
 */
@Injectable()
export class RouterDecisionLog {
  private readonly logger = new Logger('RouterDecision');
  private readonly ring: RouterDecision[] = [];
  private next = 0;
  private readonly listeners = new Set<DecisionListener>();

  publish(decision: RouterDecision, subject?: DecisionSubject): void {
    if (this.ring.length < CAPACITY) this.ring.push(decision);
    else this.ring[this.next] = decision;
    this.next = (this.next + 1) % CAPACITY;
    for (const listener of this.listeners) {
      try {
        listener(decision, subject);
      } catch (error) {
        this.logger.warn(`decision listener failed: ${(error as Error).message}`);
      }
    }
  }

  /** Registers a listener; returns a function that removes it. */
  subscribe(listener: DecisionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The most recent decisions, newest first, optionally only those of one model group. */
  recent(limit: number, modelGroup?: string): RouterDecision[] {
    const out: RouterDecision[] = [];
    for (let i = 1; i <= this.ring.length && out.length < limit; i++) {
      const decision = this.ring[(this.next - i + CAPACITY) % CAPACITY];
      if (decision && (modelGroup === undefined || decision.model_group === modelGroup)) {
        out.push(decision);
      }
    }
    return out;
  }

  /** Decision time per strategy over the decisions in the ring. */
  timings(): DecisionTimingSummary[] {
    const byStrategy = new Map<string, number[]>();
    for (const decision of this.ring) {
      const list = byStrategy.get(decision.strategy) ?? [];
      list.push(decision.timings.decision_us);
      byStrategy.set(decision.strategy, list);
    }
    return [...byStrategy].map(([strategy, list]) => {
      list.sort((a, b) => a - b);
      return {
        strategy,
        decisions: list.length,
        p50_us: percentile(list, 0.5),
        p99_us: percentile(list, 0.99),
      };
    });
  }
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
