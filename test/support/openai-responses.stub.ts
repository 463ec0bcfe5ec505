/**
 * OpenAI Responses API answers for the OpenAI stub (`POST /v1/responses`): text, or a call of the
 * first function tool, as one object or as the named SSE events OpenAI streams.
 */

export const RESPONSES_STUB_TEXT = 'Hello from the stub upstream.';
export const RESPONSES_STUB_ID = 'resp_stub_upstream_1';
const CREATED = 1_700_000_000;

type Body = Record<string, unknown>;

function firstToolName(body: Body): string | undefined {
  const tools = Array.isArray(body.tools) ? (body.tools as Array<{ name?: unknown }>) : [];
  const name = tools[0]?.name;
  return typeof name === 'string' ? name : undefined;
}

function outputItem(body: Body): Record<string, unknown> {
  const tool = firstToolName(body);
  if (tool) {
    return {
      type: 'function_call',
      id: 'fc_stub_1',
      call_id: 'call_stub_1',
      name: tool,
      arguments: '{"city":"Paris"}',
      status: 'completed',
    };
  }
  return {
    type: 'message',
    id: 'msg_stub_1',
    status: 'completed',
    role: 'assistant',
    content: [{ type: 'output_text', text: RESPONSES_STUB_TEXT, annotations: [] }],
  };
}

/** The response object as OpenAI returns it (`output` empty while in progress). */
export function responsesObject(body: Body, done = true): Record<string, unknown> {
  return {
    id: RESPONSES_STUB_ID,
    object: 'response',
    created_at: CREATED,
    status: done ? 'completed' : 'in_progress',
    error: null,
    incomplete_details: null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    model: `${String(body.model)}-2024-07-18`,
    output: done ? [outputItem(body)] : [],
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: body.store ?? true,
    temperature: 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: body.tools ?? [],
    top_p: 1,
    truncation: 'disabled',
    usage: done
      ? {
          input_tokens: 21,
          input_tokens_details: { cached_tokens: 0 },
          output_tokens: 9,
          output_tokens_details: { reasoning_tokens: 0 },
          total_tokens: 30,
        }
      : null,
    user: null,
    metadata: body.metadata ?? {},
  };
}

/** The events OpenAI streams for the same answer, each with its `type` and `sequence_number`. */
export function responsesEvents(body: Body): Array<Record<string, unknown>> {
  const item = outputItem(body);
  const events: Array<Record<string, unknown>> = [
    { type: 'response.created', response: responsesObject(body, false) },
    { type: 'response.in_progress', response: responsesObject(body, false) },
  ];
  if (item.type === 'function_call') {
    const pending = { ...item, arguments: '', status: 'in_progress' };
    events.push(
      { type: 'response.output_item.added', output_index: 0, item: pending },
      ...['{"city":', '"Paris"}'].map((delta) => ({
        type: 'response.function_call_arguments.delta',
        item_id: item.id,
        output_index: 0,
        delta,
      })),
      {
        type: 'response.function_call_arguments.done',
        item_id: item.id,
        output_index: 0,
        arguments: item.arguments,
      },
    );
  } else {
    const part = { type: 'output_text', text: '', annotations: [] };
    const at = { item_id: item.id, output_index: 0, content_index: 0 };
    events.push(
      {
        type: 'response.output_item.added',
        output_index: 0,
        item: { ...item, status: 'in_progress', content: [] },
      },
      { type: 'response.content_part.added', ...at, part },
      ...RESPONSES_STUB_TEXT.split(' ').map((word, i) => ({
        type: 'response.output_text.delta',
        ...at,
        delta: i === 0 ? word : ` ${word}`,
        logprobs: [],
      })),
      { type: 'response.output_text.done', ...at, text: RESPONSES_STUB_TEXT, logprobs: [] },
      { type: 'response.content_part.done', ...at, part: { ...part, text: RESPONSES_STUB_TEXT } },
    );
  }
  events.push(
    { type: 'response.output_item.done', output_index: 0, item },
    { type: 'response.completed', response: responsesObject(body) },
  );
  return events.map((event, sequence) => ({ ...event, sequence_number: sequence }));
}
