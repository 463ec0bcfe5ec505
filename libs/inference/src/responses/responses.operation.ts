import { typedEventHasContent } from '../stream-head';
import { PREFERRED_DEPLOYMENT } from './preferred-deployment';
import { chatNeeds, type InferenceOperation, type TokenUsage } from '../inference-operation';
import type { StoredConversation } from './responses-conversation.mapper';
import { parseResponsesRequest } from './responses-request.dto';
import {
  RESPONSES_SOURCE,
  toChatCompletionRequest,
  type ResponsesChatRequest,
} from './responses-request.mapper';
import { isResponseObject, passesThrough, relayEvents } from './responses-relay.mapper';
import { toResponsesResponse } from './responses-response.mapper';
import { ResponsesSseWriter } from './responses-sse.writer';
import { toResponsesEvents } from './responses-stream.mapper';
import type { ResponsesRequest, ResponsesResponse, SequencedEvent } from './responses.types';
import type { ProviderAdapter, ProviderCallContext } from '@routeiq/providers';

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
  if (!usage || typeof usage.input_tokens !== 'number') return undefined;
  const output = usage.output_tokens;
  return {
    promptTokens: usage.input_tokens,
    completionTokens: typeof output === 'number' ? output : 0,
    cachedPromptTokens: usage.input_tokens_details?.cached_tokens,
    reasoningTokens: usage.output_tokens_details?.reasoning_tokens,
  };
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
 * Keeps a relayed answer. The upstream was told `store: false` (the gateway keeps its own store),
 * so whether to keep it is the client's resolved `store`; the kept copy says it is stored.
 */
function keepRelayed(
  session: ResponsesSession | undefined,
  request: ResponsesChatRequest,
  response: ResponsesResponse,
  deploymentId: string,
): void {
  if (!session || request[RESPONSES_SOURCE].store !== true) return;
  session.completed(request, { ...response, store: true }, deploymentId);
}

/** A request for an upstream that speaks the Responses API: the client's body, answer verbatim. */
async function relayCall(
  session: ResponsesSession | undefined,
  adapter: ProviderAdapter,
  request: ResponsesChatRequest,
  ctx: ProviderCallContext,
): Promise<ResponsesResponse> {
  const source = request[RESPONSES_SOURCE] as unknown as Record<string, unknown>;
  const response = await adapter.responses(source, ctx);
  if (isResponseObject(response)) keepRelayed(session, request, response, ctx.deployment.id);
  return response as unknown as ResponsesResponse;
}

async function relayStream(
  session: ResponsesSession | undefined,
  adapter: ProviderAdapter,
  request: ResponsesChatRequest,
  ctx: ProviderCallContext,
): Promise<AsyncIterable<SequencedEvent>> {
  const source = request[RESPONSES_SOURCE] as unknown as Record<string, unknown>;
  const events = await adapter.responsesStream(source, ctx);
  return relayEvents(events, (response) =>
    keepRelayed(session, request, response, ctx.deployment.id),
  );
}

/**
 * `POST /v1/responses` on the shared request path: the Responses body is translated to OpenAI chat
 * when parsed, so policy, quota, routing and logging see a chat request; the answer (or each
 * chunk) is translated back before it is written. A deployment whose adapter speaks the Responses
 * API natively gets the client's body instead and its answer goes back verbatim (see
 * `passesThrough`). Without a session nothing is stored.
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
    // A stored answer is retrieved and continued by its id: a cached copy would hand the caller
    // an id stored for someone else (or none at all).
    cacheable: (request) => request[RESPONSES_SOURCE].store !== true,
    call: async (adapter, request, ctx) => {
      if (passesThrough(adapter, request[RESPONSES_SOURCE].previous_response_id)) {
        return relayCall(session, adapter, request, ctx);
      }
      const response = toResponsesResponse(
        await adapter.chat(request, ctx),
        request[RESPONSES_SOURCE],
      );
      session?.completed(request, response, ctx.deployment.id);
      return response;
    },
    stream: async (adapter, request, ctx) => {
      if (passesThrough(adapter, request[RESPONSES_SOURCE].previous_response_id)) {
        return relayStream(session, adapter, request, ctx);
      }
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
    hasContent: typedEventHasContent,
    streamWriter: (res) => new ResponsesSseWriter(res),
  };
}

/** The stateless operation: nothing stored, no continuation. */
export const RESPONSES_OPERATION = responsesOperation();
