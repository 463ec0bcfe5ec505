import type { PluginRequestContext } from '../../plugin.types';
import { chatChunk, guardrailContext, guardrailsConfigOf } from '../__fixtures__/guardrail-context';
import type { BedrockGuardrailClient } from './bedrock-guardrail.client';
import type { ApplyGuardrailResponse, GuardrailSource } from './bedrock-guardrail.mapper';
import { BedrockGuardrailPlugin } from './bedrock-guardrail.plugin';

type Json = Record<string, unknown>;
type Answer = (texts: readonly string[]) => ApplyGuardrailResponse;

const EMAIL = /[\w.]+@[\w.]+\.[a-z]{2,}/g;

/** Bedrock's answer for a policy that anonymises emails and otherwise lets text pass. */
const anonymise: Answer = (texts) =>
  texts.some((text) => text.match(EMAIL) !== null)
    ? {
        action: 'GUARDRAIL_INTERVENED',
        outputs: texts.map((text) => ({ text: text.replace(EMAIL, '{EMAIL}') })),
        assessments: [
          {
            sensitiveInformationPolicy: { piiEntities: [{ type: 'EMAIL', action: 'ANONYMIZED' }] },
          },
        ],
      }
    : { action: 'NONE', outputs: [], assessments: [{}] };

const deny: Answer = () => ({
  action: 'GUARDRAIL_INTERVENED',
  outputs: [{ text: 'Sorry.' }],
  assessments: [
    { topicPolicy: { topics: [{ name: 'Investment Advice', type: 'DENY', action: 'BLOCKED' }] } },
  ],
});

/** The plugin over a Bedrock client that answers with `answer`, recording each call. */
function plugin(answer: Answer, env: Record<string, string> = {}) {
  const calls: Array<{ source: GuardrailSource; texts: string[]; signal: AbortSignal }> = [];
  const client = {
    apply: async (source: GuardrailSource, texts: readonly string[], signal: AbortSignal) => {
      calls.push({ source, texts: [...texts], signal });
      return answer(texts);
    },
  } as unknown as BedrockGuardrailClient;
  const config = guardrailsConfigOf({
    BEDROCK_GUARDRAIL_ENABLED: 'true',
    BEDROCK_GUARDRAIL_ID: 'gr-test',
    BEDROCK_GUARDRAIL_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIATEST',
    AWS_SECRET_ACCESS_KEY: 'secret',
    ...env,
  });
  return { guard: new BedrockGuardrailPlugin(config, client), calls };
}

const streamed = () =>
  guardrailContext(
    { model: 'm', messages: [{ role: 'user', content: 'where?' }], stream: true },
    { stream: true },
  );

/** Each chunk through `onStreamChunk`, then what `onStreamEnd` releases. */
async function streamThrough(
  guard: BedrockGuardrailPlugin,
  ctx: PluginRequestContext,
  chunks: readonly object[],
): Promise<object[]> {
  const out: object[] = [];
  for (const chunk of chunks) out.push(...(guard.onStreamChunk!(ctx, chunk) ?? [chunk]));
  out.push(...((await guard.onStreamEnd!(ctx)) ?? []));
  return out;
}

function textOf(chunks: readonly object[], index = 0): string {
  return chunks
    .flatMap(
      (chunk) =>
        ((chunk as Json).choices as Array<{ index: number; delta: { content?: string } }>) ?? [],
    )
    .filter((choice) => choice.index === index)
    .map((choice) => choice.delta.content ?? '')
    .join('');
}

const ROLE = {
  ...chatChunk(undefined),
  choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
};
const USAGE = { ...chatChunk(undefined), choices: [], usage: { total_tokens: 9 } };

describe(BedrockGuardrailPlugin.name, () => {
  it("writes a streamed answer with Bedrock's masked text, role, finish and usage chunks kept", async () => {
    const { guard, calls } = plugin(anonymise);
    const ctx = streamed();
    const finish = chatChunk(undefined, 'stop');
    const chunks = [
      ROLE,
      chatChunk('Her address is jane.d'),
      chatChunk('oe@exam'),
      chatChunk('ple.com.'),
      finish,
      USAGE,
    ];
    const out = await streamThrough(guard, ctx, chunks);
    expect(calls).toEqual([
      { source: 'OUTPUT', texts: ['Her address is jane.doe@example.com.'], signal: ctx.signal },
    ]);
    expect(textOf(out)).toBe('Her address is {EMAIL}.');
    expect(JSON.stringify(out)).not.toMatch(/jane|exam/);
    expect(out[0]).toBe(ROLE);
    expect(out.slice(-2)).toEqual([finish, USAGE]);
    expect(out[1]).toMatchObject({ id: 'chatcmpl-1', object: 'chat.completion.chunk' });
  });

  it('masks each choice of a streamed answer with its own output', async () => {
    const { guard, calls } = plugin(anonymise);
    const out = await streamThrough(guard, streamed(), [
      chatChunk('to a@b.io', null, 0),
      chatChunk('nothing here', null, 1),
      chatChunk(undefined, 'stop', 0),
      chatChunk(undefined, 'stop', 1),
    ]);
    expect(calls[0]!.texts).toEqual(['to a@b.io', 'nothing here']);
    expect(textOf(out, 0)).toBe('to {EMAIL}');
    expect(textOf(out, 1)).toBe('nothing here');
  });

  it('releases a streamed answer Bedrock lets pass exactly as it came', async () => {
    const { guard } = plugin(anonymise);
    const chunks = [ROLE, chatChunk('Hello'), chatChunk(undefined, 'stop')];
    const out = await streamThrough(guard, streamed(), chunks);
    expect(out).toHaveLength(3);
    out.forEach((chunk, at) => expect(chunk).toBe(chunks[at]));
  });

  it('refuses a streamed answer a policy blocks, releasing none of it', async () => {
    const { guard } = plugin(deny);
    const ctx = streamed();
    for (const chunk of [ROLE, chatChunk('Buy ACME now')]) {
      expect(guard.onStreamChunk!(ctx, chunk)).toEqual([]);
    }
    await expect(guard.onStreamEnd!(ctx)).rejects.toMatchObject({
      status: 400,
      code: 'guardrail_blocked',
      message: 'Request blocked by guardrail bedrock: topic:investment_advice',
    });
  });

  it('has no stream hooks when it checks input only', () => {
    const { guard } = plugin(deny, { BEDROCK_GUARDRAIL_APPLY_TO: 'input' });
    expect(guard.onStreamChunk).toBeUndefined();
    expect(guard.onStreamEnd).toBeUndefined();
  });

  describe('tool calls', () => {
    const callChunk = (args: string, id?: string) => ({
      ...chatChunk(undefined),
      choices: [
        {
          index: 0,
          delta: {
            tool_calls: [{ index: 0, ...(id && { id }), function: { arguments: args } }],
          },
          finish_reason: null,
        },
      ],
    });
    const toolAnswer = (args: string) => ({
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Sending to a@b.io',
            tool_calls: [
              { id: 'c1', type: 'function', function: { name: 'mail', arguments: args } },
            ],
          },
        },
      ],
    });

    it('blocks a unary answer whose tool-call arguments Bedrock masks, naming the policy', async () => {
      const { guard, calls } = plugin(anonymise);
      const ctx = guardrailContext({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
      const success = { result: toolAnswer('{"to":"jane@example.com"}') } as never;
      await expect(guard.onLlmSuccess(ctx, success)).rejects.toMatchObject({
        code: 'guardrail_blocked',
        message: 'Request blocked by guardrail bedrock: sensitive_information:email',
      });
      expect(calls[0]!.texts).toEqual(['Sending to a@b.io', '{"to":"jane@example.com"}']);
    });

    it('masks the text of a unary answer and keeps clean tool-call arguments as they came', async () => {
      const { guard } = plugin(anonymise);
      const ctx = guardrailContext({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
      const success: { result: Json } = { result: toolAnswer('{"to":"ops"}') };
      await guard.onLlmSuccess(ctx, success as never);
      const message = (success.result.choices as Array<{ message: Json }>)[0]!.message;
      expect(message.content).toBe('Sending to {EMAIL}');
      const [call] = message.tool_calls as Array<{ function: { arguments: string } }>;
      expect(call!.function.arguments).toBe('{"to":"ops"}');
    });

    it('refuses a streamed tool call whose arguments Bedrock masks, releasing none of it', async () => {
      const { guard, calls } = plugin(anonymise);
      const ctx = streamed();
      const chunks = [callChunk('{"to":"jane.d', 'call_1'), callChunk('oe@example.com"}')];
      for (const chunk of chunks) expect(guard.onStreamChunk!(ctx, chunk)).toEqual([]);
      await expect(guard.onStreamEnd!(ctx)).rejects.toMatchObject({ code: 'guardrail_blocked' });
      expect(calls[0]!.texts).toEqual(['{"to":"jane.doe@example.com"}']);
    });

    it('sends the request’s tool-call arguments and tool results (source INPUT)', async () => {
      const { guard, calls } = plugin(deny);
      const ctx = guardrailContext(
        {
          model: 'm',
          messages: [
            { role: 'user', content: [{ type: 'text', text: 'Look it up' }] },
            {
              role: 'assistant',
              content: [{ type: 'tool_use', id: 't', name: 'f', input: { q: 1 } }],
            },
            { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't', content: 'r' }] },
          ],
        },
        { endpoint: 'messages' },
      );
      await expect(guard.onLlmPreCall(ctx)).rejects.toMatchObject({ code: 'guardrail_blocked' });
      expect(calls[0]).toMatchObject({ source: 'INPUT', texts: ['Look it up', '{"q":1}', 'r'] });
    });
  });
});
