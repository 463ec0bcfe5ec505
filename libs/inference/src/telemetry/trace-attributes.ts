import type { Attributes, AttributeValue, Span } from '@opentelemetry/api';
import type { GatewayRequest } from '@routeiq/common';
import * as observability from '@routeiq/observability';
import type { GatewayTracer } from '@routeiq/observability';
import type { ResolvedDeployment } from '@routeiq/providers';

// Read once: a lib's index re-exports compile to getters, called at every use (docs/performance.md
// "Tracing overhead", session 18).
const { AttributeBlock, Common, GenAi, genAiProviderName, RouteIq } = observability;
type AttributeBlock = observability.AttributeBlock;

// The attributes of the inference spans, set only on recorded spans. Those that repeat from
// request to request (a deployment's, a model's) come as shared blocks, made once and encoded
// once (AttributeBlock); the others are set one by one, with no attribute object in between.

/** Request models with a block of their own, per operation (beyond: attributes one by one). */
const REQUEST_BLOCK_MODELS = 1024;
/** Per operation, per requested model: the block of a non-streamed and of a streamed request. */
const requestBlocks = new Map<string, Map<string, [AttributeBlock?, AttributeBlock?]>>();
/** Per deployment, per operation: the attributes of a first call to it. */
const firstCallBlocks = new WeakMap<ResolvedDeployment, Map<string, AttributeBlock>>();
/** Per deployment: what a request span says about the deployment that served it. */
const servedBlocks = new WeakMap<ResolvedDeployment, AttributeBlock>();

export function setRequestAttributes(
  tracer: GatewayTracer,
  span: Span,
  operation: string,
  requestModel: string,
  req: GatewayRequest,
  stream: boolean,
  request: object,
): void {
  const body = request as {
    max_tokens?: unknown;
    max_completion_tokens?: unknown;
    temperature?: unknown;
    top_p?: unknown;
  };
  const block = requestBlock(operation, requestModel, stream);
  if (block) tracer.addAttributeBlock(span, block);
  else {
    span.setAttribute(GenAi.OPERATION_NAME, operation);
    span.setAttribute(GenAi.REQUEST_MODEL, requestModel);
    span.setAttribute(RouteIq.STREAM, stream);
  }
  span.setAttribute(RouteIq.REQUEST_ID, req.id);
  const maxTokens = body.max_completion_tokens ?? body.max_tokens;
  if (typeof maxTokens === 'number') span.setAttribute(GenAi.REQUEST_MAX_TOKENS, maxTokens);
  if (typeof body.temperature === 'number')
    span.setAttribute(GenAi.REQUEST_TEMPERATURE, body.temperature);
  if (typeof body.top_p === 'number') span.setAttribute(GenAi.REQUEST_TOP_P, body.top_p);
  const principal = req.principal;
  if (principal?.keyAlias) span.setAttribute(RouteIq.KEY_ALIAS, principal.keyAlias);
  if (principal?.teamId) span.setAttribute(RouteIq.TEAM_ID, principal.teamId);
}

function requestBlock(
  operation: string,
  requestModel: string,
  stream: boolean,
): AttributeBlock | undefined {
  let byModel = requestBlocks.get(operation);
  if (byModel === undefined) {
    byModel = new Map<string, [AttributeBlock?, AttributeBlock?]>();
    requestBlocks.set(operation, byModel);
  }
  let blocks = byModel.get(requestModel);
  if (blocks === undefined) {
    if (byModel.size >= REQUEST_BLOCK_MODELS) return undefined;
    byModel.set(requestModel, (blocks = [undefined, undefined]));
  }
  const at = stream ? 1 : 0;
  return (blocks[at] ??= new AttributeBlock({
    [GenAi.OPERATION_NAME]: operation,
    [GenAi.REQUEST_MODEL]: requestModel,
    [RouteIq.STREAM]: stream,
  }));
}

/** The deployment that served a request, on its span. */
export function setServedAttributes(
  tracer: GatewayTracer,
  span: Span,
  deployment: ResolvedDeployment,
): void {
  let block = servedBlocks.get(deployment);
  if (block === undefined) {
    block = new AttributeBlock({
      [GenAi.PROVIDER_NAME]: genAiProviderName(deployment.provider),
      [RouteIq.DEPLOYMENT_ID]: deployment.id,
    });
    servedBlocks.set(deployment, block);
  }
  tracer.addAttributeBlock(span, block);
}

export function setAttemptAttributes(
  tracer: GatewayTracer,
  span: Span,
  operation: string,
  deployment: ResolvedDeployment,
  attempt: number,
  type: string,
): void {
  if (attempt === 1 && type === 'initial') {
    tracer.addAttributeBlock(span, firstCallBlock(operation, deployment));
    return;
  }
  setCallAttributes(span, operation, deployment, attempt, type);
}

function firstCallBlock(operation: string, deployment: ResolvedDeployment): AttributeBlock {
  let byOperation = firstCallBlocks.get(deployment);
  if (byOperation === undefined) {
    byOperation = new Map<string, AttributeBlock>();
    firstCallBlocks.set(deployment, byOperation);
  }
  let block = byOperation.get(operation);
  if (block === undefined) {
    const attributes: Attributes = {};
    setCallAttributes(collector(attributes), operation, deployment, 1, 'initial');
    block = new AttributeBlock(attributes);
    byOperation.set(operation, block);
  }
  return block;
}

/** A span stand-in that collects what is set on it (to make a block of the same attributes). */
export function collector(attributes: Attributes): Span {
  const span = {
    setAttribute(key: string, value: AttributeValue): Span {
      attributes[key] = value;
      return span as Span;
    },
  };
  return span as unknown as Span;
}

function setCallAttributes(
  span: Span,
  operation: string,
  deployment: ResolvedDeployment,
  attempt: number,
  type: string,
): void {
  span.setAttribute(GenAi.OPERATION_NAME, operation);
  span.setAttribute(GenAi.PROVIDER_NAME, genAiProviderName(deployment.provider));
  span.setAttribute(GenAi.REQUEST_MODEL, deployment.upstreamModel);
  span.setAttribute(RouteIq.DEPLOYMENT_ID, deployment.id);
  span.setAttribute(RouteIq.MODEL_GROUP, deployment.modelName);
  span.setAttribute(RouteIq.ATTEMPT, attempt);
  span.setAttribute(RouteIq.ATTEMPT_TYPE, type);
  const server = serverOf(deployment.connection.apiBase);
  if (server) {
    span.setAttribute(Common.SERVER_ADDRESS, server.address);
    span.setAttribute(Common.SERVER_PORT, server.port);
  }
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

/**
 * The server span of a chat completion whose tools the gateway ran (the hosted tool loop), when it
 * is traced: described as the one chat the client asked for, its usage the sum of every turn's
 * (each turn is a span of its own under it). Leaves the span as it found it for the HTTP observer.
 */
export function describeToolLoopRequest(
  tracer: GatewayTracer,
  req: GatewayRequest,
  request: { readonly model: string; readonly stream?: boolean | null },
  answer: {
    readonly model?: string;
    readonly choices: readonly { readonly finish_reason?: string | null }[];
    readonly usage?: { readonly prompt_tokens?: number; readonly completion_tokens?: number };
  },
  toolTurns: number,
): void {
  const server = tracer.adoptServerSpan(req);
  if (server === undefined) return;
  const span = server.span;
  if (span.isRecording()) {
    const stream = request.stream === true;
    setRequestAttributes(tracer, span, 'chat', request.model, req, stream, request);
    if (answer.model) span.setAttribute(GenAi.RESPONSE_MODEL, answer.model);
    const reasons = answer.choices.flatMap((choice) => choice.finish_reason ?? []);
    if (reasons.length > 0) span.setAttribute(GenAi.RESPONSE_FINISH_REASONS, reasons);
    const usage = answer.usage;
    if (typeof usage?.prompt_tokens === 'number')
      span.setAttribute(GenAi.USAGE_INPUT_TOKENS, usage.prompt_tokens);
    if (typeof usage?.completion_tokens === 'number')
      span.setAttribute(GenAi.USAGE_OUTPUT_TOKENS, usage.completion_tokens);
    span.setAttribute(RouteIq.MCP_TOOL_TURNS, toolTurns);
  }
  server.release();
}
