import { chatNeeds, type InferenceOperation, type TokenUsage } from '../inference-operation';
import { parseResponsesRequest } from './responses-request.dto';
import {
  RESPONSES_SOURCE,
  toChatCompletionRequest,
  type ResponsesChatRequest,
} from './responses-request.mapper';
import { toResponsesResponse } from './responses-response.mapper';
import { ResponsesSseWriter } from './responses-sse.writer';
import { toResponsesEvents } from './responses-stream.mapper';
import type { ResponsesResponse, SequencedEvent } from './responses.types';

function readUsage(payload: ResponsesResponse | SequencedEvent): TokenUsage | undefined {
  let response: ResponsesResponse | undefined;
  if ('object' in payload) response = payload;
  else if (payload.type === 'response.completed' || payload.type === 'response.incomplete') {
    response = payload.response;
  }
  const usage = response?.usage;
  if (!usage) return undefined;
  return { promptTokens: usage.input_tokens, completionTokens: usage.output_tokens };
}

/**
 * `POST /v1/responses` on the shared request path: the Responses body is translated to OpenAI chat
 * when parsed, so policy, quota, routing and logging see a chat request; the answer (or each
 * chunk) is translated back before it is written.
 * TODO(#4): pass the body through verbatim to OpenAI-family deployments that serve /v1/responses.
 */
export const RESPONSES_OPERATION: InferenceOperation<
  ResponsesChatRequest,
  ResponsesResponse,
  SequencedEvent
> = {
  endpoint: 'responses',
  capability: 'chat',
  parse: (body) => toChatCompletionRequest(parseResponsesRequest(body)),
  call: async (adapter, request, ctx) =>
    toResponsesResponse(await adapter.chat(request, ctx), request[RESPONSES_SOURCE]),
  stream: async (adapter, request, ctx) =>
    toResponsesEvents(await adapter.chatStream(request, ctx), request[RESPONSES_SOURCE]),
  usage: readUsage,
  needs: chatNeeds,
  streamWriter: (res) => new ResponsesSseWriter(res),
};
