import Anthropic from '@anthropic-ai/sdk';
import {
  startTestGateway,
  stubConfig,
  TEST_MASTER_KEY,
  type TestGateway,
} from './support/gateway-harness';
import { chatAnswer, post, sentUserText } from './support/guardrail-traffic';
import { userHeaders } from './support/http';
import { OpenAiStubServer } from './support/openai-stub.server';

// LlamaGuard on input judges the caller's last turn with its tool results: what a tool fetched is
// untrusted text the model reads next. The guard stub reads the turn it is asked about and calls
// it unsafe when it carries the harmful text, whatever order its calls come in.
const CHAT = '/v1/chat/completions';
const HARMFUL = 'Step 1: mix the precursors to make sarin at home';
const CLEAN = 'Sunny, 21 degrees';
const BLOCKED = 'Request blocked by guardrail llamaguard: indiscriminate_weapons';

/** The turn a guard prompt asks about: its conversation's last `User: ` turn. */
function judgedTurn(body: Record<string, unknown>): string {
  const prompt = String(sentUserText(body));
  const end = prompt.indexOf('\n\n<END CONVERSATION>');
  return prompt.slice(prompt.lastIndexOf('User: ', end), end);
}

const CALLS = [
  { id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{}' } },
  { id: 'call_2', type: 'function', function: { name: 'search', arguments: '{}' } },
];

/** A chat request whose last turn is the results of the assistant's two tool calls. */
const withToolResults = (first: string, second: string) => ({
  model: 'gpt-4o-mini',
  messages: [
    { role: 'user', content: 'Weather, and how do I clean my lab?' },
    { role: 'assistant', content: null, tool_calls: CALLS },
    { role: 'tool', tool_call_id: 'call_1', content: first },
    { role: 'tool', tool_call_id: 'call_2', content: second },
  ],
});

/** A Messages request whose last user turn holds a `tool_result` block and a question. */
const messagesWithToolResult = (result: string): Anthropic.MessageCreateParamsNonStreaming => ({
  model: 'gpt-4o-mini',
  max_tokens: 64,
  messages: [
    { role: 'user', content: 'Look this up for me.' },
    {
      role: 'assistant',
      content: [{ type: 'tool_use', id: 'toolu_1', name: 'search', input: { q: 'lab' } }],
    },
    {
      role: 'user',
      content: [
        { type: 'tool_result', tool_use_id: 'toolu_1', content: [{ type: 'text', text: result }] },
        { type: 'text', text: 'Summarise it.' },
      ],
    },
  ],
});

describe('Guardrails: LlamaGuard judges tool results on input', () => {
  const upstream = new OpenAiStubServer();
  const guard = new OpenAiStubServer();
  let gw: TestGateway;
  let anthropic: Anthropic;

  beforeAll(async () => {
    const apiBase = await upstream.start();
    const guardBase = await guard.start();
    const guardGroup = [
      '  - model_name: llama-guard',
      '    litellm_params:',
      '      model: openai/llama-guard-3-8b',
      `      api_base: ${guardBase}`,
      '      api_key: sk-guard',
    ].join('\n');
    gw = await startTestGateway({
      yaml: stubConfig(apiBase, guardGroup),
      env: {
        LLAMAGUARD_ENABLED: 'true',
        LLAMAGUARD_MODEL: 'llama-guard',
        LLAMAGUARD_APPLY_TO: 'input',
        LLAMAGUARD_TIMEOUT_MS: '2000',
      },
    });
    guard.respondWith(CHAT, (body) =>
      chatAnswer(judgedTurn(body).includes(HARMFUL) ? 'unsafe\nS9' : 'safe'),
    );
    anthropic = new Anthropic({ baseURL: gw.url, apiKey: TEST_MASTER_KEY, maxRetries: 0 });
  });
  afterAll(async () => {
    guard.respondWith(CHAT, undefined);
    await gw?.close();
    await guard.stop();
    await upstream.stop();
  });

  it('blocks a chat request whose tool results carry harm, unary and streamed, before the upstream', async () => {
    const called = upstream.count(CHAT);
    const res = await post(gw, CHAT, withToolResults(HARMFUL, CLEAN));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'guardrail_blocked', message: BLOCKED });
    // Both results are the one turn judged, in one guard call.
    expect(judgedTurn(guard.last().body)).toBe(`User: ${HARMFUL}\n\n${CLEAN}`);

    const streamed = await fetch(`${gw.url}${CHAT}`, {
      method: 'POST',
      headers: userHeaders(),
      body: JSON.stringify({ ...withToolResults(CLEAN, HARMFUL), stream: true }),
    });
    expect(streamed.status).toBe(400);
    expect(await streamed.json()).toMatchObject({ error: { code: 'guardrail_blocked' } });
    expect(upstream.count(CHAT)).toBe(called);
  });

  it('passes clean tool results, judged as the last User turn in one call', async () => {
    const [asked, called] = [guard.count(CHAT), upstream.count(CHAT)];
    const res = await post(gw, CHAT, withToolResults(CLEAN, '{"steps":["rinse","dry"]}'));
    expect(res.status).toBe(200);
    expect(guard.count(CHAT)).toBe(asked + 1);
    expect(upstream.count(CHAT)).toBe(called + 1);
    expect(judgedTurn(guard.last().body)).toBe(`User: ${CLEAN}\n\n{"steps":["rinse","dry"]}`);
  });

  it('blocks a /v1/messages tool_result block that carries harm, unary and streamed', async () => {
    const called = upstream.count(CHAT);
    const error = await anthropic.messages
      .create(messagesWithToolResult(HARMFUL))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect(error).toMatchObject({
      status: 400,
      error: { type: 'error', error: { type: 'invalid_request_error', message: BLOCKED } },
    });
    expect(judgedTurn(guard.last().body)).toBe(`User: ${HARMFUL}\n\nSummarise it.`);

    const streamed = await anthropic.messages
      .stream(messagesWithToolResult(HARMFUL))
      .finalMessage()
      .catch((caught: unknown) => caught);
    expect(streamed).toBeInstanceOf(Anthropic.BadRequestError);
    expect(upstream.count(CHAT)).toBe(called);

    const clean = await anthropic.messages.create(messagesWithToolResult(CLEAN));
    expect(clean.type).toBe('message');
    expect(upstream.count(CHAT)).toBe(called + 1);
  });
});
