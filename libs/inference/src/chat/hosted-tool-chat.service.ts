import { Injectable, Logger, Optional } from '@nestjs/common';
import {
  CommonException,
  HostedToolProvider,
  sendJson,
  SseWriter,
  type GatewayRequest,
  type GatewayResponse,
  type HostedToolset,
} from '@routeiq/common';
import {
  toJson,
  type ChatCompletion,
  type ChatCompletionRequest,
  type Usage,
} from '@routeiq/providers';
import { GatewayTracer } from '@routeiq/observability';
import { asGatewayException } from '../inference-call';
import { CHAT_OPERATION, type InferenceOperation } from '../inference-operation';
import type { RequestRouting } from '../routing-params';
import { InferenceService } from '../inference.service';
import type { RequestStage } from '../hooks/request-stage';
import { RequestStages } from '../hooks/request-stages.service';
import { describeToolLoopRequest } from '../telemetry/trace-attributes';
import { openUpstreamCall } from '../upstream-call';
import { toCompletionChunks } from './completion-chunks.mapper';
import { runHostedToolLoop, type HostedToolLoopOutcome } from './hosted-tool-loop';
import { expandTools, firstHostedIndex, turnRequest, withTools } from './hosted-tool-request';

/** A parsed request with hosted tools the gateway may run. */
export interface HostedToolJob<T extends ChatCompletionRequest> {
  readonly body: unknown;
  readonly request: T;
  readonly routing: RequestRouting;
  readonly toolset: HostedToolset;
  /** The request's tools, hosted entries replaced by the toolset's definitions. */
  readonly expanded: unknown[];
}

/** Answers the client once the loop is done (the outcome's answer already checked by plugins). */
export type HostedAnswerWriter<T extends ChatCompletionRequest> = (
  asked: T,
  outcome: HostedToolLoopOutcome,
  stage: RequestStage<T> | undefined,
) => Promise<void>;

/** Rounds of tool calls the gateway ran for the answer. */
export const MCP_TOOL_TURNS_HEADER = 'x-routeiq-mcp-tool-turns';
/** `reached` when the answer still calls the gateway's tools after `MCP_MAX_TOOL_TURNS` rounds. */
export const MCP_TOOL_LIMIT_HEADER = 'x-routeiq-mcp-tool-limit';

/**
 * Chat completions whose `tools` name hosted (MCP) tools: the entries become function tools;
 * when the gateway may run them, it runs the model ↔ tool loop, each model turn on the routed path
 * (admission, routing, usage record, telemetry per turn), and answers with the last turn.
 */
@Injectable()
export class HostedToolChat {
  private readonly logger = new Logger('HostedTools');

  constructor(
    private readonly inference: InferenceService,
    private readonly stages: RequestStages,
    private readonly tracer: GatewayTracer,
    @Optional() private readonly provider?: HostedToolProvider,
  ) {}

  async run(body: unknown, req: GatewayRequest, res: GatewayResponse): Promise<void> {
    const { request, routing } = this.inference.parse(CHAT_OPERATION, body);
    const tools = (request.tools ?? []) as Record<string, unknown>[];
    const toolset = await this.resolve(req, tools);
    if (!toolset) return this.inference.run(CHAT_OPERATION, body, req, res);
    const expanded = expandTools(tools, toolset);
    if (!toolset.executable) {
      return this.inference.run(CHAT_OPERATION, withTools(body as object, expanded), req, res);
    }
    const job = { body, request, routing, toolset, expanded };
    return this.loop(CHAT_OPERATION, job, req, res, (asked, outcome, stage) =>
      reply(asked, outcome, req, res, stage),
    );
  }

  /**
   * Runs the loop for a parsed request whose toolset may be run (`op` parses the client's body
   * again when plugins changed it; its turns go through the routed path). `write` answers.
   */
  async loop<T extends ChatCompletionRequest>(
    op: InferenceOperation<T, ChatCompletion, object>,
    job: HostedToolJob<T>,
    req: GatewayRequest,
    res: GatewayResponse,
    write: HostedAnswerWriter<T>,
  ): Promise<void> {
    const { body, request, routing, toolset, expanded } = job;
    const call = openUpstreamCall(res);
    const startedAt = performance.now();
    // Plugins (guardrails) see the client's request and the final answer as on any chat; the
    // cache stays out: the turns run tools, whose effects a cached answer would skip.
    const stage = this.stages.beginUncached(op, body, request, req, call.signal);
    try {
      const reparse = () => this.inference.parse(op, body).request;
      if (stage && (await stage.before(res, reparse, startedAt))) return;
      const asked = stage?.request ?? request;
      const outcome = await runHostedToolLoop(
        turnRequest(withTools(asked, expanded)),
        toolset,
        (turn) => this.inference.answer(op, turn as T, routing, req, call),
        call.signal,
        // Time spent in MCP servers is upstream time, not gateway overhead.
        (elapsedMs) => (req.upstreamMs = (req.upstreamMs ?? 0) + elapsedMs),
      );
      const answer = stage ? await this.checked(stage, outcome, startedAt) : outcome.answer;
      if (this.tracer.enabled)
        describeToolLoopRequest(this.tracer, req, asked, answer, outcome.toolTurns);
      await write(asked, { ...outcome, answer }, stage);
    } catch (error) {
      const failure = asGatewayException(this.logger, error, req.id, req);
      stage?.failed(failure, res);
      throw failure;
    } finally {
      call.dispose();
    }
  }

  /** The plugins' `onLlmSuccess` on the loop's final answer (output guardrails may change it). */
  private checked<T extends ChatCompletionRequest>(
    stage: RequestStage<T>,
    outcome: HostedToolLoopOutcome,
    startedAt: number,
  ): ChatCompletion | Promise<ChatCompletion> {
    return stage.answered(outcome.answer, {
      deploymentId: outcome.headers[DEPLOYMENT_ID_HEADER] ?? '',
      provider: '',
      modelGroup: outcome.answer.model,
      usage: usageOf(outcome.answer.usage),
      latencyMs: performance.now() - startedAt,
    });
  }

  /** The request's hosted tools; 400 when the gateway serves none. */
  resolve(
    req: GatewayRequest,
    tools: readonly Record<string, unknown>[],
  ): Promise<HostedToolset | null> {
    if (this.provider) return this.provider.resolve(req, tools);
    const param = `tools[${firstHostedIndex(tools)}]`;
    throw CommonException.invalidRequest(
      `"${param}" is an MCP tool, but this gateway serves no MCP tools`,
      param,
    );
  }
}

async function reply(
  request: ChatCompletionRequest,
  outcome: HostedToolLoopOutcome,
  req: GatewayRequest,
  res: GatewayResponse,
  stage: RequestStage<ChatCompletionRequest> | undefined,
): Promise<void> {
  const headers = loopHeaders(outcome, stage);
  const streamed = request.stream === true;
  noteServed(req, outcome.answer.usage, streamed);
  if (!streamed) {
    const body = stage ? stage.serialise(outcome.answer) : toJson(outcome.answer);
    return sendJson(res, 200, body, headers);
  }
  const writer = new SseWriter(res);
  writer.open(headers);
  const includeUsage = request.stream_options?.include_usage === true;
  for (const chunk of toCompletionChunks(outcome.answer, includeUsage)) {
    await writer.write(JSON.stringify(chunk));
  }
  writer.done();
}

/** The last turn's headers, the plugins' and the loop's own. */
export function loopHeaders<T extends ChatCompletionRequest>(
  outcome: HostedToolLoopOutcome,
  stage: RequestStage<T> | undefined,
): Record<string, string> {
  const headers: Record<string, string> = {
    ...outcome.headers,
    [MCP_TOOL_TURNS_HEADER]: String(outcome.toolTurns),
  };
  stage?.addHeaders(headers);
  if (outcome.limitReached) headers[MCP_TOOL_LIMIT_HEADER] = 'reached';
  return headers;
}

/** The access log's view of the request: every turn's tokens, and how the answer went out. */
export function noteServed(req: GatewayRequest, usage: Usage | undefined, streamed: boolean): void {
  const served = req.served;
  if (!served) return;
  served.stream = streamed;
  if (usage) {
    served.promptTokens = usage.prompt_tokens;
    served.completionTokens = usage.completion_tokens;
  }
}

export const DEPLOYMENT_ID_HEADER = 'x-routeiq-deployment-id';

function usageOf(usage: Usage | undefined): PluginUsage {
  return usage
    ? { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens }
    : undefined;
}

type PluginUsage = { readonly promptTokens: number; readonly completionTokens: number } | undefined;
