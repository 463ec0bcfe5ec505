import { Injectable } from '@nestjs/common';
import {
  CommonException,
  sendJson,
  type GatewayRequest,
  type GatewayResponse,
  type HostedToolset,
} from '@routeiq/common';
import type { ChatCompletionRequest } from '@routeiq/providers';
import {
  HostedToolChat,
  loopHeaders,
  noteServed,
  type HostedAnswerWriter,
} from '../chat/hosted-tool-chat.service';
import { expandTools } from '../chat/hosted-tool-request';
import { RecordingToolset } from '../chat/recording-toolset';
import { CHAT_OPERATION } from '../inference-operation';
import { InferenceService } from '../inference.service';
import type { AnthropicMessagesRequest } from './anthropic-messages.types';
import { AnthropicSseWriter } from './anthropic-sse.writer';
import {
  hostedMessage,
  inMcpServerTerms,
  mcpToolEntries,
  serverNames,
} from './messages-mcp.mapper';
import { replayMessageEvents } from './messages-replay.mapper';
import { MESSAGES_OPERATION } from './messages.operation';

/** The loop's turns are chat calls (as for chat's own loop); the client's body parses as Messages. */
const TURN_OPERATION = {
  ...CHAT_OPERATION,
  parse: (body: unknown) => MESSAGES_OPERATION.parse(body),
};

/**
 * Messages requests with `mcp_servers` (Anthropic's MCP connector) on the chat machinery: the
 * servers are resolved and checked as chat's `mcp` tool entries; the gateway runs the model ↔
 * tool loop (`HostedToolChat`) and answers with Anthropic's `mcp_tool_use` / `mcp_tool_result`
 * blocks before the final answer. The connector has no approval step and a Messages client cannot
 * run calls it never declared, so without hosted invocation the request is refused.
 */
@Injectable()
export class HostedToolMessages {
  constructor(
    private readonly inference: InferenceService,
    private readonly hosted: HostedToolChat,
  ) {}

  async run(body: unknown, req: GatewayRequest, res: GatewayResponse): Promise<void> {
    const { request, routing } = this.inference.parse(MESSAGES_OPERATION, body);
    // Validated by the parse above.
    const source = body as AnthropicMessagesRequest;
    const { entries, positions } = mcpToolEntries(source.mcp_servers ?? []);
    const toolset = await this.resolve(req, entries, positions);
    if (!toolset) return this.inference.run(MESSAGES_OPERATION, body, req, res);
    if (!toolset.executable) throw invocationDisabled();
    const recorder = new RecordingToolset(toolset);
    const expanded = expandTools([...(request.tools ?? []), ...entries], recorder);
    const job = { body, request, routing, toolset: recorder, expanded };
    return this.hosted.loop(
      TURN_OPERATION,
      job,
      req,
      res,
      answerWriter(source, recorder, req, res),
    );
  }

  private async resolve(
    req: GatewayRequest,
    entries: readonly Record<string, unknown>[],
    positions: readonly number[],
  ): Promise<HostedToolset | null> {
    try {
      return await this.hosted.resolve(req, entries);
    } catch (error) {
      throw inMcpServerTerms(error, positions);
    }
  }
}

function invocationDisabled(): CommonException {
  return CommonException.invalidRequest(
    'mcp_servers: this gateway does not run MCP tools (LLMROUTER_ENABLE_MCP_TOOL_INVOCATION is ' +
      'off); use /v1/chat/completions or /v1/responses with {"type":"mcp"} tools to run the ' +
      'calls yourself',
    'mcp_servers',
  );
}

function answerWriter(
  source: AnthropicMessagesRequest,
  recorder: RecordingToolset,
  req: GatewayRequest,
  res: GatewayResponse,
): HostedAnswerWriter<ChatCompletionRequest> {
  return async (asked, outcome, stage) => {
    const names = serverNames(source.mcp_servers ?? []);
    const message = hostedMessage(outcome.answer, asked.model, recorder.items, names);
    const headers = loopHeaders(outcome, stage);
    const streamed = source.stream === true;
    noteServed(req, outcome.answer.usage, streamed);
    if (!streamed) return sendJson(res, 200, message, headers);
    const writer = new AnthropicSseWriter(res);
    writer.open(headers);
    for (const event of replayMessageEvents(message)) {
      await writer.write(JSON.stringify(event), event);
    }
    writer.done();
  };
}
