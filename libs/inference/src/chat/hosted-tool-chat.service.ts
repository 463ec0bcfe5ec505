import { Injectable, Optional } from '@nestjs/common';
import {
  CommonException,
  HostedToolProvider,
  sendJson,
  SseWriter,
  type GatewayRequest,
  type GatewayResponse,
  type HostedToolset,
} from '@routeiq/common';
import { toJson, type ChatCompletionRequest, type Usage } from '@routeiq/providers';
import { CHAT_OPERATION } from '../inference-operation';
import { InferenceService } from '../inference.service';
import { openUpstreamCall } from '../upstream-call';
import { toCompletionChunks } from './completion-chunks.mapper';
import { runHostedToolLoop, type HostedToolLoopOutcome } from './hosted-tool-loop';
import { expandTools, firstHostedIndex, turnRequest, withTools } from './hosted-tool-request';

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
  constructor(
    private readonly inference: InferenceService,
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
    const call = openUpstreamCall(res);
    try {
      const outcome = await runHostedToolLoop(
        turnRequest(withTools(request, expanded)),
        toolset,
        (turn) => this.inference.answer(CHAT_OPERATION, turn, routing, req, call),
        call.signal,
        // Time spent in MCP servers is upstream time, not gateway overhead.
        (elapsedMs) => (req.upstreamMs = (req.upstreamMs ?? 0) + elapsedMs),
      );
      await reply(request, outcome, req, res);
    } finally {
      call.dispose();
    }
  }

  private resolve(
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
): Promise<void> {
  const headers: Record<string, string> = {
    ...outcome.headers,
    [MCP_TOOL_TURNS_HEADER]: String(outcome.toolTurns),
  };
  if (outcome.limitReached) headers[MCP_TOOL_LIMIT_HEADER] = 'reached';
  const streamed = request.stream === true;
  noteServed(req, outcome.answer.usage, streamed);
  if (!streamed) return sendJson(res, 200, toJson(outcome.answer), headers);
  const writer = new SseWriter(res);
  writer.open(headers);
  const includeUsage = request.stream_options?.include_usage === true;
  for (const chunk of toCompletionChunks(outcome.answer, includeUsage)) {
    await writer.write(JSON.stringify(chunk));
  }
  writer.done();
}

/** The access log's view of the request: every turn's tokens, and how the answer went out. */
function noteServed(req: GatewayRequest, usage: Usage | undefined, streamed: boolean): void {
  const served = req.served;
  if (!served) return;
  served.stream = streamed;
  if (usage) {
    served.promptTokens = usage.prompt_tokens;
    served.completionTokens = usage.completion_tokens;
  }
}
