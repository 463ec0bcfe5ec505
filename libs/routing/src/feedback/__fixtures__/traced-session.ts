import { randomUUID } from 'node:crypto';
import { DEFAULT_ROUTER_SETTINGS } from '@routeiq/config';
import type { ResolvedDeployment } from '@routeiq/providers';
import type { RouterDecision } from '../../decision/router-decision';
import type { DecisionSubject, RouterDecisionLog } from '../../decision/router-decision.log';
import type { StrategyChoice } from '../../execution/deployment-selector';
import type { RouteCompletion, RouteRequest } from '../../execution/route-request';
import { RoutingSession, type RoutingRuntime } from '../../execution/routing-session';
import { buildModelGroup } from '../../model-group';
import type { RoutingContext, RoutingStrategy } from '../../strategies/routing-strategy';
import { mlDeployment } from '../../ml/strategy/__fixtures__/ml-deployments';

/** A runtime that picks the first deployment and publishes to a real decision log. */
class LogRuntime implements RoutingRuntime {
  readonly settings = DEFAULT_ROUTER_SETTINGS;
  constructor(private readonly log: RouterDecisionLog) {}
  capableIn(): undefined {
    return undefined;
  }
  select(capable: readonly ResolvedDeployment[]) {
    return { deployment: capable[0], reason: 'first', overLimit: false };
  }
  retryAfterSeconds(): number {
    return 1;
  }
  attemptStarted(): void {}
  attemptFailed(): void {}
  attemptSucceeded(): void {}
  completed(): void {}
  publish(decision: RouterDecision, subject?: DecisionSubject): void {
    this.log.publish(decision, subject);
  }
}

export interface TracedRequest {
  readonly prompt?: string;
  readonly strategy?: string;
  readonly keyId?: string;
  /** Fails the upstream call instead of answering. */
  readonly fail?: boolean;
  readonly completion?: Partial<RouteCompletion> & {
    readonly usage?: { promptTokens: number; completionTokens: number };
  };
}

/**
 * Routes one request through a real `RoutingSession` to a priced deployment (`small`, model
 * `small-model`) and finishes it; returns how many times the prompt accessor was read.
 */
export async function routeOnce(
  log: RouterDecisionLog,
  shape: TracedRequest = {},
): Promise<number> {
  const deployment = {
    ...mlDeployment('dep-small', {
      group: 'g',
      model: 'small-model',
      inputCost: 0.000001,
      outputCost: 0.000002,
    }),
    adapter: { capabilities: new Set(['chat']) },
  } as unknown as ResolvedDeployment;
  let reads = 0;
  const request = {
    model: 'g',
    capability: 'chat',
    needs: [],
    stream: false,
    requestId: `req-${randomUUID()}`,
    tenant: 'team-1',
    estimatedTokens: 10,
    allowsModel: () => true,
    ...(shape.keyId !== undefined && { keyId: shape.keyId }),
    prompt: () => {
      reads++;
      return shape.prompt;
    },
  } as RouteRequest;
  const strategy = { name: shape.strategy ?? 'simple-shuffle', version: 'v1' } as RoutingStrategy;
  const choice: StrategyChoice = { strategy, fallback: strategy, onError: () => undefined };
  const session = new RoutingSession(
    new LogRuntime(log),
    request,
    buildModelGroup('g', [deployment], 0),
    [deployment],
    choice,
    {} as RoutingContext,
    undefined,
  );
  const attempt = shape.fail
    ? () => Promise.reject(new Error('upstream down'))
    : () => Promise.resolve('answer');
  await session.run(attempt, new AbortController().signal).catch(() => undefined);
  session.finish({ ok: !shape.fail, tokens: 42, ...shape.completion });
  return reads;
}
