import type { Attributes } from '@opentelemetry/api';
import type { GatewayRequest } from '@routeiq/common';
import { Common, GenAi, genAiProviderName, RouteIq, Router } from '@routeiq/observability';
import type { ResolvedDeployment } from '@routeiq/providers';
import type { RoutingSession } from '@routeiq/routing';

// The attributes of the inference spans (computed only for sampled spans).

export function requestAttributes(
  operation: string,
  requestModel: string,
  req: GatewayRequest,
  stream: boolean,
  request: object,
): Attributes {
  const body = request as {
    max_tokens?: unknown;
    max_completion_tokens?: unknown;
    temperature?: unknown;
    top_p?: unknown;
  };
  const attributes: Attributes = {
    [GenAi.OPERATION_NAME]: operation,
    [GenAi.REQUEST_MODEL]: requestModel,
    [RouteIq.REQUEST_ID]: req.id,
    [RouteIq.STREAM]: stream,
  };
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (typeof maxTokens === 'number') attributes[GenAi.REQUEST_MAX_TOKENS] = maxTokens;
  if (typeof body.temperature === 'number')
    attributes[GenAi.REQUEST_TEMPERATURE] = body.temperature;
  if (typeof body.top_p === 'number') attributes[GenAi.REQUEST_TOP_P] = body.top_p;
  if (req.principal?.keyAlias) attributes[RouteIq.KEY_ALIAS] = req.principal.keyAlias;
  if (req.principal?.teamId) attributes[RouteIq.TEAM_ID] = req.principal.teamId;
  return attributes;
}

export function attemptAttributes(
  operation: string,
  deployment: ResolvedDeployment,
  attempt: number,
  type: string,
): Attributes {
  const attributes: Attributes = {
    [GenAi.OPERATION_NAME]: operation,
    [GenAi.PROVIDER_NAME]: genAiProviderName(deployment.provider),
    [GenAi.REQUEST_MODEL]: deployment.upstreamModel,
    [RouteIq.DEPLOYMENT_ID]: deployment.id,
    [RouteIq.MODEL_GROUP]: deployment.modelName,
    [RouteIq.ATTEMPT]: attempt,
    [RouteIq.ATTEMPT_TYPE]: type,
  };
  const server = serverOf(deployment.connection.apiBase);
  if (server) {
    attributes[Common.SERVER_ADDRESS] = server.address;
    attributes[Common.SERVER_PORT] = server.port;
  }
  return attributes;
}

export function decisionAttributes(session: RoutingSession): Attributes {
  const decision = session.decision;
  const attributes: Attributes = {
    [Router.STRATEGY]: decision.strategy,
    [Router.STRATEGY_VERSION]: decision.strategy_version,
    [Router.MODEL_GROUP]: decision.model_group,
    [Router.REASON]: decision.reason,
    [Router.CANDIDATES]: decision.candidates.length,
    [Router.DECISION_US]: decision.timings.decision_us,
    [Router.OUTCOME]: decision.outcome,
  };
  if (decision.selected) attributes[Router.SELECTED] = decision.selected;
  if (decision.experiment)
    attributes[Router.EXPERIMENT] = `${decision.experiment.id}/${decision.experiment.variant}`;
  if (decision.strategy_error) attributes[Router.STRATEGY_ERROR] = decision.strategy_error;
  return attributes;
}

const servers = new Map<string, { address: string; port: number } | undefined>();

function serverOf(apiBase: string): { address: string; port: number } | undefined {
  if (servers.has(apiBase)) return servers.get(apiBase);
  let server: { address: string; port: number } | undefined;
  try {
    const url = new URL(apiBase);
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    server = { address: url.hostname, port };
  } catch {
    server = undefined;
  }
  if (servers.size < 1024) servers.set(apiBase, server);
  return server;
}

export function inputText(request: object): string {
  const body = request as { messages?: unknown; input?: unknown; prompt?: unknown };
  return JSON.stringify(body.messages ?? body.input ?? body.prompt ?? null);
}

export function outputText(payload: object): string {
  const body = payload as {
    choices?: Array<{ message?: unknown; text?: unknown }>;
    content?: unknown;
    output?: unknown;
  };
  if (Array.isArray(body.choices))
    return JSON.stringify(body.choices.map((c) => c.message ?? c.text));
  return JSON.stringify(body.content ?? body.output ?? null);
}
