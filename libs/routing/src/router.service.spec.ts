import type { ProviderCapability, ResolvedDeployment } from '@routeiq/providers';
import type { RouterDecisionLog } from './decision/router-decision.log';
import type { DeploymentHealthService } from './health/deployment-health.service';
import type { DeploymentMetricsService } from './metrics/deployment-metrics.service';
import { buildModelGroup } from './model-group';
import type { ModelRegistryService } from './model-registry.service';
import type { StrategyRegistryService } from './registry/strategy-registry.service';
import { capableDeployments, RouterService } from './router.service';
import { SimpleShuffleStrategy } from './strategies/simple-shuffle.strategy';
import type { RouteRequest } from './execution/route-request';

function deployment(
  id: string,
  capabilities: ProviderCapability[],
  params: Record<string, unknown> = {},
): ResolvedDeployment {
  return {
    id,
    config: { litellmParams: params, modelInfo: {} },
    adapter: { capabilities: new Set(capabilities) },
  } as unknown as ResolvedDeployment;
}

const full = deployment('full', ['chat', 'streaming', 'tools', 'vision']);
const textOnly = deployment('text', ['chat', 'streaming']);
const group = buildModelGroup('g', [full, textOnly], 0);

function router(options: { cooling?: string[]; usage?: number } = {}) {
  const cooling = new Set(options.cooling ?? []);
  const registry = {
    find: (name: string) => (name === 'g' ? group : undefined),
    settings: { routing_strategy_args: {}, num_retries: 0 },
  } as unknown as ModelRegistryService;
  const shuffle = new SimpleShuffleStrategy();
  const strategies = {
    select: () => ({ strategy: shuffle }),
    defaultStrategy: () => shuffle,
    recordFailure: () => undefined,
  } as unknown as StrategyRegistryService;
  const health = {
    availability: (d: ResolvedDeployment) => (cooling.has(d.id) ? 'cooldown' : 'eligible'),
    retryAfterSeconds: () => 3,
  } as unknown as DeploymentHealthService;
  const metrics = {
    usage: () => ({ requests: options.usage ?? 0, tokens: 0 }),
  } as unknown as DeploymentMetricsService;
  const decisions = { publish: () => undefined } as unknown as RouterDecisionLog;
  return new RouterService(registry, strategies, health, metrics, decisions);
}

function request(extra: Partial<RouteRequest> = {}): RouteRequest {
  return {
    model: 'g',
    capability: 'chat',
    needs: [],
    stream: false,
    requestId: 'r',
    estimatedTokens: 1,
    allowsModel: () => true,
    ...extra,
  };
}

describe(RouterService.name, () => {
  it('picks only deployments that have every capability the request needs', () => {
    const r = router();
    for (let i = 0; i < 20; i++) {
      expect(r.begin(request({ needs: ['tools'] })).firstDeployment.id).toBe('full');
    }
    const seen = new Set(Array.from({ length: 50 }, () => r.begin(request()).firstDeployment.id));
    expect(seen).toEqual(new Set(['full', 'text']));
  });

  it('goes back to a preferred deployment while it is eligible, else routes as usual', () => {
    const r = router();
    for (let i = 0; i < 20; i++) {
      expect(r.begin(request({ preferredId: 'text' })).firstDeployment.id).toBe('text');
    }
    const session = r.begin(request({ preferredId: 'text' }));
    expect(session.decision.reason).toContain('preferred');
    expect(
      router({ cooling: ['text'] }).begin(request({ preferredId: 'text' })).firstDeployment.id,
    ).toBe('full');
  });

  it('leaves deployments that are cooling down out, and records why in the decision', () => {
    const session = router({ cooling: ['full'] }).begin(request());
    expect(session.firstDeployment.id).toBe('text');
    expect(session.decision.candidates).toEqual([
      { deployment: 'full', state: 'cooldown' },
      { deployment: 'text', state: 'eligible' },
    ]);
    expect(session.decision.strategy).toBe('simple-shuffle');
  });

  it('skips deployments over their rpm', () => {
    const limited = deployment('limited', ['chat'], { rpm: 5 });
    const free = deployment('free', ['chat']);
    const g = buildModelGroup('g', [limited, free], 0);
    const r = router({ usage: 5 });
    (r as unknown as { registry: { find: () => unknown } }).registry.find = () => g;
    for (let i = 0; i < 10; i++) expect(r.begin(request()).firstDeployment.id).toBe('free');
  });

  it('answers 400 naming the missing capability, 404 for an unknown model', () => {
    const onlyText = buildModelGroup('t', [textOnly], 0);
    expect(() => capableDeployments(onlyText, 'chat', ['streaming', 'vision'])).toThrow(
      expect.objectContaining({
        status: 400,
        code: 'no_capable_deployment',
        message: expect.stringContaining('vision'),
      }),
    );
    expect(() => capableDeployments(onlyText, 'embedding', [])).toThrow(
      expect.objectContaining({ status: 400 }),
    );
    expect(() => router().begin(request({ model: 'missing' }))).toThrow(
      expect.objectContaining({ status: 404 }),
    );
  });
});
