import { PREFERRED_DEPLOYMENT } from './preferred-deployment';
import { chatNeeds, type InferenceOperation, type TokenUsage } from '../inference-operation';
import type { StoredConversation } from './responses-conversation.mapper';
import { parseResponsesRequest } from './responses-request.dto';
import {
  RESPONSES_SOURCE,
  toChatCompletionRequest,
  type ResponsesChatRequest,
} from './responses-request.mapper';
import { toResponsesResponse } from './responses-response.mapper';
import { ResponsesSseWriter } from './responses-sse.writer';
import { toResponsesEvents } from './responses-stream.mapper';
import type { ResponsesRequest, ResponsesResponse, SequencedEvent } from './responses.types';

/** What one request needs of storage: set up before the shared request path runs. */
export interface ResponsesSession {
  /** The conversation `previous_response_id` names, already loaded and checked. */
  readonly previous?: StoredConversation;
  /** Whether this request's answer will be kept (the gateway's setting and `store`). */
  willStore(source: ResponsesRequest): boolean;
  /** Called once with the final response; must not block (the write happens later). */
  completed(request: ResponsesChatRequest, response: ResponsesResponse, deploymentId: string): void;
}

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

/** Passes the events through and reports the final response once it goes by. */
async function* onFinal(
  events: AsyncIterable<SequencedEvent>,
  report: (response: ResponsesResponse) => void,
): AsyncGenerator<SequencedEvent> {
  for await (const event of events) {
    if (event.type === 'response.completed' || event.type === 'response.incomplete') {
      report(event.response);
    }
    yield event;
  }
}

/**
 * `POST /v1/responses` on the shared request path: the Responses body is translated to OpenAI chat
 * when parsed, so policy, quota, routing and logging see a chat request; the answer (or each
 * chunk) is translated back before it is written. Without a session nothing is stored.
 * TODO(#4): pass the body through verbatim to OpenAI-family deployments that serve /v1/responses.
 */
export function responsesOperation(
  session?: ResponsesSession,
): InferenceOperation<ResponsesChatRequest, ResponsesResponse, SequencedEvent> {
  return {
    endpoint: 'responses',
    capability: 'chat',
    parse: (body) => {
      const source = parseResponsesRequest(body);
      source.store = session?.willStore(source) ?? false;
      return toChatCompletionRequest(source, session?.previous);
    },
    call: async (adapter, request, ctx) => {
      const response = toResponsesResponse(
        await adapter.chat(request, ctx),
        request[RESPONSES_SOURCE],
      );
      session?.completed(request, response, ctx.deployment.id);
      return response;
    },
    stream: async (adapter, request, ctx) => {
      const events = toResponsesEvents(
        await adapter.chatStream(request, ctx),
        request[RESPONSES_SOURCE],
      );
      if (!session) return events;
      return onFinal(events, (response) => session.completed(request, response, ctx.deployment.id));
    },
    usage: readUsage,
    needs: chatNeeds,
    preferredDeployment: (request) => request[PREFERRED_DEPLOYMENT],
    streamWriter: (res) => new ResponsesSseWriter(res),
  };
}

/** The stateless operation: nothing stored, no continuation. */
export const RESPONSES_OPERATION = responsesOperation();
