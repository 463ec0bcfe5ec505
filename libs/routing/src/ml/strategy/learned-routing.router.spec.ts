import type { ResolvedDeployment } from '@routeiq/providers';
import type { RouterDecisionLog } from '../../decision/router-decision.log';
import type { RouteRequest } from '../../execution/route-request';
import { lazyRoutingPrompt } from '../../execution/route-request';
import type { DeploymentHealthService } from '../../health/deployment-health.service';
import type { DeploymentMetricsService } from '../../metrics/deployment-metrics.service';
import { buildModelGroup, buildRouterAliasGroup, type ModelGroup } from '../../model-group';
import type { ModelRegistryService } from '../../model-registry.service';
import type { StrategyRegistryService } from '../../registry/strategy-registry.service';
import { RouterService } from '../../router.service';
import type { RoutingStrategy } from '../../strategies/routing-strategy';
import { SimpleShuffleStrategy } from '../../strategies/simple-shuffle.strategy';
import { decisionRuleFor } from '../decision/decision-rules';
import { CODE_PROMPT, codePoetryArtifact, POETRY_PROMPT } from './__fixtures__/code-poetry.router';
import {
  codePoetryEmbeddingArtifact,
  embeddingDeployment,
  type EmbeddingAnswer,
} from './__fixtures__/embedding-router.fixture';
import { FixedRouterSource, loadedRouter, mlDeployment } from './__fixtures__/ml-deployments';
import { PromptEmbeddings } from './prompt-embeddings';
import { KnnRouterStrategy } from './llmrouter.strategies';

// The learned strategy inside the real router: the prompt reaches it lazily, its artifact version
// lands in the decision record, and its failures fall back to the default strategy.

function capable(deployment: ResolvedDeployment): ResolvedDeployment {
  return {
    ...deployment,
    adapter: { capabilities: new Set(['chat']) },
  } as unknown as ResolvedDeployment;
}

const coder = capable(mlDeployment('dep-coder', { group: 'coding', model: 'coder' }));
const poet = capable(mlDeployment('dep-poet', { group: 'writing', model: 'poet' }));
const coding = buildModelGroup('coding', [coder], 0);
const writing = buildModelGroup('writing', [poet], 0);
const alias = buildRouterAliasGroup(
  'router-auto',
  ['coding', 'writing'],
  new Map([
    ['coding', coding],
    ['writing', writing],
  ]),
  0,
);

function routerWith(
  strategy: RoutingStrategy,
  failures: string[] = [],
  extraGroups: readonly ModelGroup[] = [],
  args: Record<string, unknown> = {},
): RouterService {
  const groups = new Map<string, ModelGroup>([['router-auto', alias]]);
  for (const group of extraGroups) groups.set(group.name, group);
  const registry = {
    find: (name: string) => groups.get(name),
    settings: { routing_strategy_args: args, num_retries: 0 },
  } as unknown as ModelRegistryService;
  const shuffle = new SimpleShuffleStrategy();
  const strategies = {
    select: () => ({ strategy }),
    defaultStrategy: () => shuffle,
    recordFailure: (_name: string, reason: string) => failures.push(reason),
  } as unknown as StrategyRegistryService;
  const health = { availability: () => 'eligible' } as unknown as DeploymentHealthService;
  const metrics = {
    usage: () => ({ requests: 0, tokens: 0 }),
  } as unknown as DeploymentMetricsService;
  const decisions = { publish: () => undefined } as unknown as RouterDecisionLog;
  return new RouterService(registry, strategies, health, metrics, decisions);
}

function request(text: string | undefined, model = 'router-auto'): RouteRequest {
  const body = text === undefined ? {} : { messages: [{ role: 'user', content: text }] };
  return {
    model,
    capability: 'chat',
    needs: [],
    stream: false,
    requestId: 'r1',
    estimatedTokens: 10,
    allowsModel: () => true,
    prompt: lazyRoutingPrompt(body),
  };
}

describe('learned routing in RouterService', () => {
  const artifact = codePoetryArtifact(['coder', 'poet'], { code: 'coder', poetry: 'poet' });
  const router = loadedRouter(artifact);

  it('routes a router alias across its groups by prompt, recording the artifact version', () => {
    const service = routerWith(
      new KnnRouterStrategy(new FixedRouterSource(router), decisionRuleFor),
    );
    const code = service.begin(request(CODE_PROMPT));
    expect(code.firstChoice).toBe(coder);
    expect(code.decision).toMatchObject({
      model_group: 'router-auto',
      strategy: 'llmrouter-knn',
      strategy_version: router.version,
      reason: expect.stringMatching(/^coder: /),
    });
    expect(service.begin(request(POETRY_PROMPT)).firstChoice).toBe(poet);
    expect(JSON.stringify(code.decision)).not.toContain('TypeScript');
  });

  it('falls back to the default strategy when the router cannot decide, saying why', () => {
    const failures: string[] = [];
    const source = new FixedRouterSource();
    source.reason = 'the router artifact did not load: hash_mismatch';
    const service = routerWith(new KnnRouterStrategy(source, decisionRuleFor), failures);
    const session = service.begin(request(CODE_PROMPT));
    expect([coder, poet]).toContain(session.firstChoice);
    expect(session.decision.strategy_error).toBe('the router artifact did not load: hash_mismatch');
    expect(session.decision.reason).toMatch(/default strategy: llmrouter-knn failed/);
    expect(session.decision.strategy_version).toBe('none');
    expect(failures).toEqual(['the router artifact did not load: hash_mismatch']);
  });

  it('falls back when the request has no text', () => {
    const service = routerWith(
      new KnnRouterStrategy(new FixedRouterSource(router), decisionRuleFor),
    );
    expect(service.begin(request(undefined)).decision.strategy_error).toMatch(/no text/);
  });

  it('does not build the prompt for strategies that do not read it', () => {
    let built = 0;
    const req: RouteRequest = { ...request(CODE_PROMPT), prompt: () => String(++built) };
    routerWith(new SimpleShuffleStrategy()).begin(req);
    expect(built).toBe(0);
  });
});

describe('learned routing with a remote-embedding featurizer in RouterService', () => {
  const router = loadedRouter(
    codePoetryEmbeddingArtifact(['coder', 'poet'], { code: 'coder', poetry: 'poet' }),
  );

  function setup(answer: () => EmbeddingAnswer = () => 'embed', args = {}) {
    const embedder = embeddingDeployment('emb-1', 'embedder', answer);
    const group = buildModelGroup('embedder', [embedder], 0);
    const embeddings = new PromptEmbeddings((name) =>
      name === 'embedder' ? group.deployments : undefined,
    );
    const failures: string[] = [];
    const strategy = new KnnRouterStrategy(
      new FixedRouterSource(router, embeddings),
      decisionRuleFor,
    );
    return { embedder, failures, service: routerWith(strategy, failures, [group], args) };
  }

  async function routed(service: RouterService, req: RouteRequest) {
    const preparing = service.prepare(req);
    if (preparing !== undefined) await preparing;
    return service.begin(req);
  }

  it('embeds the prompt before routing, then routes by it; a cached prompt waits for nothing', async () => {
    const { embedder, service } = setup();
    const code = request(CODE_PROMPT);
    expect(service.prepare(code)).toBeInstanceOf(Promise);
    expect((await routed(service, code)).firstChoice).toBe(coder);
    expect((await routed(service, request(POETRY_PROMPT))).firstChoice).toBe(poet);
    expect(embedder.calls.map((call) => call.input)).toEqual([CODE_PROMPT, POETRY_PROMPT]);

    const again = request(CODE_PROMPT);
    expect(service.prepare(again)).toBeUndefined();
    const session = service.begin(again);
    expect(session.firstChoice).toBe(coder);
    expect(session.decision.strategy_version).toBe(router.version);
    expect(embedder.calls).toHaveLength(2);
  });

  it('falls back to the default strategy when the embedding times out, saying why', async () => {
    const { failures, service } = setup(() => 'hang', { embedding_timeout_ms: 5 });
    const session = await routed(service, request(CODE_PROMPT));
    expect([coder, poet]).toContain(session.firstChoice);
    expect(session.decision.reason).toMatch(/default strategy: llmrouter-knn failed/);
    expect(session.decision.strategy_error).toBe("the prompt's embedding by emb-1 took over 5 ms");
    expect(failures).toEqual(["the prompt's embedding by emb-1 took over 5 ms"]);
  });

  it('falls back when routed without preparing and the prompt is not cached', () => {
    const { embedder, service } = setup();
    const session = service.begin(request(CODE_PROMPT));
    expect(session.decision.strategy_error).toBe('the prompt was not embedded before routing');
    expect(embedder.calls).toHaveLength(0);
  });

  it('prepares nothing for requests the router could not route anyway', () => {
    const { embedder, service } = setup();
    expect(service.prepare(request(CODE_PROMPT, 'no-such-group'))).toBeUndefined();
    // The embedding group itself: none of the router's candidates is deployed there.
    expect(
      service.prepare({ ...request(CODE_PROMPT, 'embedder'), capability: 'embedding' }),
    ).toBeUndefined();
    expect(service.prepare(request(undefined))).toBeUndefined();
    expect(embedder.calls).toHaveLength(0);
  });

  it('costs other strategies nothing: no preparation, the prompt never built', () => {
    let built = 0;
    const req: RouteRequest = { ...request(CODE_PROMPT), prompt: () => String(++built) };
    const service = routerWith(new SimpleShuffleStrategy());
    expect(service.prepare(req)).toBeUndefined();
    expect(
      routerWith(
        new KnnRouterStrategy(
          new FixedRouterSource(
            loadedRouter(codePoetryArtifact(['coder', 'poet'], { code: 'coder', poetry: 'poet' })),
          ),
          decisionRuleFor,
        ),
      ).prepare(req),
    ).toBeUndefined();
    service.begin(req);
    expect(built).toBe(0);
  });
});
