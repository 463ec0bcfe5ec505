import { randomUUID } from 'node:crypto';
import type { ChatCompletion } from '@routeiq/providers';
import type {
  ResponsesOutputItem,
  ResponsesRequest,
  ResponsesResponse,
  ResponsesUsage,
} from './responses.types';

/** A fresh id with OpenAI's prefix (`resp_`, `msg_`, `fc_`): some clients check prefixes. */
export function newItemId(prefix: 'resp' | 'msg' | 'fc' | 'mcpl' | 'mcp'): string {
  return `${prefix}_${randomUUID().replace(/-/g, '')}`;
}

/** The response object before any output: the client's own settings echoed back, as OpenAI does. */
export function responseShell(
  source: ResponsesRequest,
  id: string,
  createdAt: number,
): ResponsesResponse {
  return {
    id,
    object: 'response',
    created_at: createdAt,
    status: 'in_progress',
    error: null,
    incomplete_details: null,
    instructions: source.instructions ?? null,
    max_output_tokens: source.max_output_tokens ?? null,
    model: source.model,
    output: [],
    parallel_tool_calls: source.parallel_tool_calls ?? true,
    previous_response_id: source.previous_response_id ?? null,
    // `store` is resolved when the request is parsed: true only when the answer will be kept.
    store: source.store === true,
    temperature: source.temperature ?? null,
    text: { format: source.text?.format ?? { type: 'text' } },
    tool_choice: source.tool_choice ?? 'auto',
    tools: source.tools ?? [],
    top_p: source.top_p ?? null,
    metadata: source.metadata ?? {},
    user: source.user ?? null,
    usage: null,
  };
}

/** The final status of a response from the chat finish reason. */
export function applyFinish(
  response: ResponsesResponse,
  finishReason: string | null | undefined,
): void {
  if (finishReason === 'length') {
    response.status = 'incomplete';
    response.incomplete_details = { reason: 'max_output_tokens' };
  } else if (finishReason === 'content_filter') {
    response.status = 'incomplete';
    response.incomplete_details = { reason: 'content_filter' };
  } else {
    response.status = 'completed';
  }
}

/** OpenAI chat usage as Responses usage (both count cached tokens inside the input). */
export function toResponsesUsage(usage: unknown): ResponsesUsage {
  const fields = (typeof usage === 'object' && usage !== null ? usage : {}) as Record<
    string,
    unknown
  >;
  const prompt = fields.prompt_tokens_details as Record<string, unknown> | null | undefined;
  const completion = fields.completion_tokens_details as Record<string, unknown> | null | undefined;
  const input = numberOr(fields.prompt_tokens);
  const output = numberOr(fields.completion_tokens);
  return {
    input_tokens: input,
    input_tokens_details: { cached_tokens: numberOr(prompt?.cached_tokens) },
    output_tokens: output,
    output_tokens_details: { reasoning_tokens: numberOr(completion?.reasoning_tokens) },
    total_tokens: numberOr(fields.total_tokens, input + output),
  };
}

function numberOr(value: unknown, fallback = 0): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

/** The first choice of an OpenAI chat completion as a Responses response object. */
export function toResponsesResponse(
  completion: ChatCompletion,
  source: ResponsesRequest,
): ResponsesResponse {
  const response = responseShell(source, newItemId('resp'), completion.created || nowSeconds());
  const choice = completion.choices[0];
  applyFinish(response, choice?.finish_reason);
  const itemStatus = response.status === 'completed' ? 'completed' : 'incomplete';
  const message = choice?.message;
  const text = typeof message?.content === 'string' ? message.content : '';
  const refusal = typeof message?.refusal === 'string' ? message.refusal : '';
  const output: ResponsesOutputItem[] = [];
  if (text || refusal) {
    output.push({
      type: 'message',
      id: newItemId('msg'),
      status: itemStatus,
      role: 'assistant',
      content: [{ type: 'output_text', text: text || refusal, annotations: [] }],
    });
  }
  for (const call of message?.tool_calls ?? []) {
    const { id, function: fn } = call as {
      id?: unknown;
      function?: { name?: unknown; arguments?: unknown };
    };
    output.push({
      type: 'function_call',
      id: newItemId('fc'),
      call_id: typeof id === 'string' ? id : newItemId('fc'),
      name: typeof fn?.name === 'string' ? fn.name : '',
      arguments: typeof fn?.arguments === 'string' ? fn.arguments : '',
      status: 'completed',
    });
  }
  response.output = output;
  response.usage = toResponsesUsage(completion.usage);
  return response;
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
