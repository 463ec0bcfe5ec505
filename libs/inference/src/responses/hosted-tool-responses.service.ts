import { Injectable } from '@nestjs/common';
import { sendJson, type GatewayRequest, type GatewayResponse } from '@routeiq/common';
import type { ChatCompletion, ChatCompletionChunk } from '@routeiq/providers';
import {
  DEPLOYMENT_ID_HEADER,
  HostedToolChat,
  loopHeaders,
  noteServed,
  type HostedAnswerWriter,
} from '../chat/hosted-tool-chat.service';
import { expandTools, withTools } from '../chat/hosted-tool-request';
import { CHAT_OPERATION, type InferenceOperation } from '../inference-operation';
import { InferenceService } from '../inference.service';
import { PREFERRED_DEPLOYMENT } from './preferred-deployment';
import { RecordingToolset } from '../chat/recording-toolset';
import { expandResponsesTools, hostedResponse } from './responses-mcp.mapper';
import { replayEvents } from './responses-replay.mapper';
import { RESPONSES_SOURCE, type ResponsesChatRequest } from './responses-request.mapper';
import { ResponsesSseWriter } from './responses-sse.writer';
import { responsesOperation, type ResponsesSession } from './responses.operation';
import type { ResponsesRequest } from './responses.types';

type TurnOperation = InferenceOperation<ResponsesChatRequest, ChatCompletion, ChatCompletionChunk>;

/**
 * Responses requests whose `tools` name MCP servers, on the chat machinery: the entries are
 * resolved and checked as on chat; when the gateway may run the calls, `HostedToolChat` runs the
 * loop over the chat pivot and the answer goes out with OpenAI's `mcp_list_tools` and `mcp_call`
 * items; otherwise the model gets the tools as functions and its calls go back to the client.
 */
@Injectable()
export class HostedToolResponses {
  constructor(
    private readonly inference: InferenceService,
    private readonly hosted: HostedToolChat,
  ) {}

  async run(
    session: ResponsesSession | undefined,
    body: unknown,
    req: GatewayRequest,
    res: GatewayResponse,
  ): Promise<void> {
    const op = responsesOperation(session);
    const { request, routing } = this.inference.parse(op, body);
    const source = request[RESPONSES_SOURCE];
    const tools = source.tools ?? [];
    const toolset = await this.hosted.resolve(req, tools as Record<string, unknown>[]);
    if (!toolset) return this.inference.run(op, body, req, res);
    const offered = expandResponsesTools(tools, toolset);
    if (!toolset.executable) {
      return this.inference.run(op, withTools(body as object, offered), req, res);
    }
    const recorded = new RecordingToolset(toolset);
    const expanded = expandTools(request.tools ?? [], recorded);
    const job = { body, request, routing, toolset: recorded, expanded };
    const write = answerWriter(session, source, recorded, req, res);
    const turns = turnOperation((raw) => op.parse(raw));
    return this.hosted.loop(turns, job, req, res, write);
  }
}

/**
 * The loop's turns as chat calls (plugins see the chat pivot and a chat answer, as they do for
 * chat's own loop); a continuation goes back to the deployment of its stored conversation.
 */
function turnOperation(parse: TurnOperation['parse']): TurnOperation {
  return {
    ...CHAT_OPERATION,
    parse,
    preferredDeployment: (request) => request[PREFERRED_DEPLOYMENT],
  };
}

function answerWriter(
  session: ResponsesSession | undefined,
  source: ResponsesRequest,
  toolset: RecordingToolset,
  req: GatewayRequest,
  res: GatewayResponse,
): HostedAnswerWriter<ResponsesChatRequest> {
  return async (asked, outcome, stage) => {
    const response = hostedResponse(outcome.answer, source, toolset);
    session?.completed(asked, response, outcome.headers[DEPLOYMENT_ID_HEADER] ?? '');
    const headers = loopHeaders(outcome, stage);
    const streamed = source.stream === true;
    noteServed(req, outcome.answer.usage, streamed);
    if (!streamed) return sendJson(res, 200, response, headers);
    const writer = new ResponsesSseWriter(res);
    writer.open(headers);
    for (const event of replayEvents(response)) await writer.write(JSON.stringify(event), event);
    writer.done();
  };
}
