/**
 * OpenAI chat, completions and embeddings answers for the OpenAI stub: a chat completion (text,
 * `n` choices, or a call of the first tool), its SSE chunks (with `include_usage`), a text
 * completion and embeddings (float or base64).
 */

const CREATED = 1_700_000_000;

export const STUB_TEXT = 'Hello from the stub upstream.';

export function chatCompletion(model: string, body: Record<string, unknown>): unknown {
  const n = typeof body.n === 'number' ? body.n : 1;
  const tools = Array.isArray(body.tools)
    ? (body.tools as Array<{ function: { name: string } }>)
    : [];
  const choices = Array.from({ length: n }, (_, index) =>
    tools.length > 0
      ? {
          index,
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: `call_${index}`,
                type: 'function',
                function: { name: tools[0]!.function.name, arguments: '{"city":"Paris"}' },
              },
            ],
          },
          finish_reason: 'tool_calls',
          logprobs: null,
        }
      : {
          index,
          message: { role: 'assistant', content: `${STUB_TEXT} #${index}` },
          finish_reason: 'stop',
          logprobs: null,
        },
  );
  return {
    id: 'chatcmpl-stub-1',
    object: 'chat.completion',
    created: CREATED,
    model: `${model}-2024-08-06`,
    choices,
    usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
    system_fingerprint: 'fp_stub',
  };
}

export function chatChunks(model: string, body: Record<string, unknown>): unknown[] {
  const base = { id: 'chatcmpl-stub-2', object: 'chat.completion.chunk', created: CREATED, model };
  const includeUsage =
    (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
  const usageField = includeUsage ? { usage: null } : {};
  const words = STUB_TEXT.split(' ');
  const chunks: unknown[] = [
    {
      ...base,
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
      ...usageField,
    },
    ...words.map((word, i) => ({
      ...base,
      choices: [{ index: 0, delta: { content: i === 0 ? word : ` ${word}` }, finish_reason: null }],
      ...usageField,
    })),
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], ...usageField },
  ];
  if (includeUsage) {
    chunks.push({
      ...base,
      choices: [],
      usage: { prompt_tokens: 11, completion_tokens: 5, total_tokens: 16 },
    });
  }
  return chunks;
}

export function textCompletion(model: string): unknown {
  return {
    id: 'cmpl-stub-1',
    object: 'text_completion',
    created: CREATED,
    model,
    choices: [
      { index: 0, text: ' a completion from the stub', finish_reason: 'stop', logprobs: null },
    ],
    usage: { prompt_tokens: 3, completion_tokens: 6, total_tokens: 9 },
  };
}

export function embeddings(model: string, body: Record<string, unknown>): unknown {
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const vector = [0.25, -0.5, 0.125, 1];
  const encode = body.encoding_format === 'base64';
  return {
    object: 'list',
    model,
    data: inputs.map((_, index) => ({
      object: 'embedding',
      index,
      embedding: encode ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector,
    })),
    usage: { prompt_tokens: 4, total_tokens: 4 },
  };
}
