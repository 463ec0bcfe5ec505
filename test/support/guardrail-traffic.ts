import OpenAI from 'openai';
import type { StubBehaviour } from './openai-stub.server';
import { TEST_ADMIN_KEY, TEST_MASTER_KEY, type TestGateway } from './gateway-harness';
import { call, userHeaders, type ErrorEnvelope, type JsonResponse } from './http';

type Body = Record<string, unknown>;

/** The guardrail error envelope: the OpenAI error plus the guardrail and its category. */
export interface GuardrailErrorEnvelope extends ErrorEnvelope {
  error: ErrorEnvelope['error'] & { guardrail?: string; category?: string };
}

export const USER_TEXT = (content: unknown): Body => ({
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content }],
});

/** POST with a user key (the master key by default). */
export function post<T = Body & GuardrailErrorEnvelope>(
  gw: TestGateway,
  path: string,
  body: Body,
  key?: string,
): Promise<JsonResponse<T>> {
  return call<T>(`${gw.url}${path}`, {
    method: 'POST',
    headers: userHeaders(key),
    body: JSON.stringify(body),
  });
}

/** A control-plane call with the admin key. */
export function admin(gw: TestGateway, path: string, body: Body): Promise<JsonResponse<Body>> {
  return call<Body>(`${gw.url}${path}`, {
    method: 'POST',
    headers: { 'x-admin-api-key': TEST_ADMIN_KEY, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** A virtual key made through /key/generate. */
export async function generateKey(gw: TestGateway, body: Body): Promise<string> {
  const res = await admin(gw, '/key/generate', body);
  if (res.status !== 200)
    throw new Error(`/key/generate: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.key as string;
}

/** An OpenAI chat completion answering `content` (as a Llama Guard deployment would). */
export function chatAnswer(content: string): StubBehaviour {
  return {
    kind: 'json',
    status: 200,
    body: {
      id: 'chatcmpl-guard',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'stub-model',
      choices: [{ index: 0, message: { role: 'assistant', content }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 },
    },
  };
}

/** An OpenAI chat stream whose content arrives in `pieces`, then a finish chunk. */
export function streamOf(pieces: readonly string[]): StubBehaviour {
  const base = {
    id: 'chatcmpl-split',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'gpt-4o-mini',
  };
  return {
    kind: 'sse',
    chunks: [
      {
        ...base,
        choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
      },
      ...pieces.map((content) => ({
        ...base,
        choices: [{ index: 0, delta: { content }, finish_reason: null }],
      })),
      { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
    ],
  };
}

const TOOL_CALL = { id: 'call_1', type: 'function' };

/** An OpenAI chat completion calling `name` with `args` (JSON text), without text. */
export function toolCallAnswer(name: string, args: string): StubBehaviour {
  const call = { ...TOOL_CALL, function: { name, arguments: args } };
  return {
    kind: 'json',
    status: 200,
    body: {
      id: 'chatcmpl-tool',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'gpt-4o-mini',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: null, tool_calls: [call] },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 5, completion_tokens: 9, total_tokens: 14 },
    },
  };
}

/** An OpenAI chat stream calling `name`, its arguments arriving in `pieces`. */
export function toolCallStream(name: string, pieces: readonly string[]): StubBehaviour {
  const base = {
    id: 'chatcmpl-tool',
    object: 'chat.completion.chunk',
    created: 1_700_000_000,
    model: 'gpt-4o-mini',
  };
  const chunk = (delta: object, finish: string | null = null) => ({
    ...base,
    choices: [{ index: 0, delta, finish_reason: finish }],
  });
  const start = { index: 0, ...TOOL_CALL, function: { name, arguments: '' } };
  return {
    kind: 'sse',
    chunks: [
      chunk({ role: 'assistant', content: null, tool_calls: [start] }),
      ...pieces.map((piece) =>
        chunk({ tool_calls: [{ index: 0, function: { arguments: piece } }] }),
      ),
      chunk({}, 'tool_calls'),
    ],
  };
}

/** The tool-call argument fragments of chat chunks, in order. */
export function streamedArguments(frames: readonly Body[]): string[] {
  return frames
    .flatMap((frame) => (frame.choices as Array<{ delta?: Body }> | undefined) ?? [])
    .flatMap((choice) => (choice.delta?.tool_calls as Body[] | undefined) ?? [])
    .map((call) => (call.function as { arguments?: string } | undefined)?.arguments ?? '');
}

/** The `data:` payloads of an SSE body, `[DONE]` left out; each must be JSON. */
export function sseFrames(text: string): Body[] {
  return text
    .split('\n\n')
    .map((event) =>
      event
        .split('\n')
        .find((line) => line.startsWith('data: '))
        ?.slice(6),
    )
    .filter((data): data is string => data !== undefined && data !== '[DONE]')
    .map((data) => JSON.parse(data) as Body);
}

/** The assembled `delta.content` of chat chunks. */
export function streamedText(frames: readonly Body[]): string {
  return frames
    .flatMap(
      (frame) => (frame.choices as Array<{ delta?: { content?: string } }> | undefined) ?? [],
    )
    .map((choice) => choice.delta?.content ?? '')
    .join('');
}

/** The text of the first user message the stub received last. */
export function sentUserText(body: Body): unknown {
  return (body.messages as Array<{ role: string; content: unknown }>).find((m) => m.role === 'user')
    ?.content;
}

/** A streamed chat answer read with the openai SDK: its text, last finish reason, and error. */
export async function sdkStream(gw: TestGateway, content: string) {
  const client = new OpenAI({ apiKey: TEST_MASTER_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
  const stream = await client.chat.completions.create({
    model: 'gpt-4o-mini',
    messages: [{ role: 'user', content }],
    stream: true,
  });
  let text = '';
  let finish: string | null = null;
  let error: unknown;
  try {
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta.content ?? '';
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
  } catch (caught) {
    error = caught;
  }
  return { text, finish, error };
}

/** A streamed answer read as raw SSE: the status, the body, and its `data:` frames. */
export async function rawStream(gw: TestGateway, path: string, body: object, key?: string) {
  const res = await fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: userHeaders(key),
    body: JSON.stringify({ ...body, stream: true }),
  });
  const text = await res.text();
  return { status: res.status, text, frames: sseFrames(text) };
}
