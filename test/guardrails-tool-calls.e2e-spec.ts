import { startTestGateway, stubConfig, type TestGateway } from './support/gateway-harness';
import {
  BedrockGuardrailStubServer,
  STUB_DENIED_TOPIC,
} from './support/bedrock-guardrail-stub.server';
import {
  chatAnswer,
  post,
  sentUserText,
  sseFrames,
  streamedArguments,
  toolCallAnswer,
  toolCallStream,
  USER_TEXT,
} from './support/guardrail-traffic';
import { userHeaders } from './support/http';
import { OpenAiStubServer } from './support/openai-stub.server';

// The guardrails that judge whole answers (LlamaGuard, Bedrock) and the content filter read the
// model's tool-call arguments too, unary and streamed; a streamed answer held back for a remote
// guardrail is bounded by GUARDRAIL_STREAM_HOLD_MAX_BYTES.
const CHAT = '/v1/chat/completions';
const HOLD_MAX_BYTES = 2048;
const TOOLS = [{ type: 'function', function: { name: 'run', parameters: { type: 'object' } } }];
const ASK = { ...USER_TEXT('Go ahead'), tools: TOOLS };
const CLEAN_PIECES = ['{"city":', '"Paris"}'];

type Body = Record<string, unknown>;
type ToolCallResult = { choices: Array<{ message: { tool_calls: Array<{ function: Body }> } }> };

async function rawStream(gw: TestGateway, body: Body) {
  const res = await fetch(`${gw.url}${CHAT}`, {
    method: 'POST',
    headers: userHeaders(),
    body: JSON.stringify({ ...body, stream: true }),
  });
  const text = await res.text();
  return { status: res.status, text, frames: sseFrames(text) };
}

function blockedFrame(guardrail: string, code: string, category: string) {
  return {
    error: expect.objectContaining({ code, guardrail, category }) as unknown,
    request_id: expect.any(String) as unknown,
  };
}

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('Guardrails: LlamaGuard on tool calls, and the stream hold cap', () => {
  const upstream = new OpenAiStubServer();
  const guard = new OpenAiStubServer();
  let gw: TestGateway;

  beforeAll(async () => {
    const guardGroup = [
      '  - model_name: llama-guard',
      '    litellm_params:',
      '      model: openai/llama-guard-3-8b',
      `      api_base: ${await guard.start()}`,
      '      api_key: sk-guard',
    ].join('\n');
    gw = await startTestGateway({
      yaml: stubConfig(await upstream.start(), guardGroup),
      env: {
        LLAMAGUARD_ENABLED: 'true',
        LLAMAGUARD_MODEL: 'llama-guard',
        LLAMAGUARD_APPLY_TO: 'output',
        GUARDRAIL_STREAM_HOLD_MAX_BYTES: String(HOLD_MAX_BYTES),
      },
    });
  });
  afterAll(async () => {
    await gw?.close();
    await guard.stop();
    await upstream.stop();
  });

  it('fails a stream past the hold cap closed: none of it written, the upstream stopped, the guard not asked', async () => {
    const piece = {
      id: 'chatcmpl-long',
      object: 'chat.completion.chunk',
      created: 1,
      model: 'gpt-4o-mini',
      choices: [{ index: 0, delta: { content: 'x'.repeat(100) }, finish_reason: null }],
    };
    upstream.script(CHAT, {
      kind: 'sse',
      chunks: Array.from({ length: 80 }, () => piece),
      gapMs: 15,
    });
    const aborted = upstream.abortedRequests;
    const asked = guard.count(CHAT);
    const { status, text, frames } = await rawStream(gw, USER_TEXT('Write a lot'));
    expect(status).toBe(200);
    expect(text).not.toContain('xxx');
    expect(text).not.toContain('[DONE]');
    expect(frames).toEqual([
      blockedFrame('llamaguard', 'guardrail_output_too_large', 'output_too_large'),
    ]);
    expect(frames[0]!.error).toMatchObject({ type: 'invalid_request_error', status: 400 });
    await waitFor(() => upstream.abortedRequests > aborted);
    expect(guard.count(CHAT)).toBe(asked);
  });

  it('blocks a unary tool call whose arguments the guard calls unsafe, judging them as the answer', async () => {
    guard.script(CHAT, chatAnswer('unsafe\nS14'));
    upstream.script(CHAT, toolCallAnswer('run', '{"cmd":"rm -rf /"}'));
    const res = await post(gw, CHAT, ASK);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'guardrail_blocked',
      message: 'Request blocked by guardrail llamaguard: code_interpreter_abuse',
    });
    expect(sentUserText(guard.last().body)).toEqual(
      expect.stringContaining('User: Go ahead\n\nAgent: {"cmd":"rm -rf /"}'),
    );
  });

  it('ends a streamed tool call the guard calls unsafe with the error event, no arguments written', async () => {
    guard.script(CHAT, chatAnswer('unsafe\nS14'));
    upstream.script(CHAT, toolCallStream('run', ['{"cmd":', '"rm -rf /"}']));
    const { text, frames } = await rawStream(gw, ASK);
    expect(text).not.toContain('rm -rf');
    expect(frames).toEqual([
      blockedFrame('llamaguard', 'guardrail_blocked', 'code_interpreter_abuse'),
    ]);
    expect(sentUserText(guard.last().body)).toEqual(
      expect.stringContaining('Agent: {"cmd":"rm -rf /"}'),
    );
  });

  it('passes clean tool calls untouched, unary and streamed', async () => {
    guard.script(CHAT, chatAnswer('safe'), chatAnswer('safe'));
    upstream.script(CHAT, toolCallAnswer('run', '{"city":"Paris"}'));
    const res = await post<ToolCallResult>(gw, CHAT, ASK);
    expect(res.status).toBe(200);
    expect(res.body.choices[0]!.message.tool_calls[0]!.function).toEqual({
      name: 'run',
      arguments: '{"city":"Paris"}',
    });
    upstream.script(CHAT, toolCallStream('run', CLEAN_PIECES));
    const { text, frames } = await rawStream(gw, ASK);
    expect(streamedArguments(frames)).toEqual(['', ...CLEAN_PIECES]);
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });
});

describe('Guardrails: Bedrock on tool calls', () => {
  const keys = { accessKeyId: 'AKIAGUARDRAILTEST', secretAccessKey: 'guardrail/secret+key' };
  const upstream = new OpenAiStubServer();
  const bedrock = new BedrockGuardrailStubServer(keys, 'eu-west-1');
  let gw: TestGateway;

  beforeAll(async () => {
    gw = await startTestGateway({
      yaml: stubConfig(await upstream.start()),
      env: {
        BEDROCK_GUARDRAIL_ENABLED: 'true',
        BEDROCK_GUARDRAIL_ID: 'gr-test01',
        BEDROCK_GUARDRAIL_REGION: 'eu-west-1',
        BEDROCK_GUARDRAIL_ENDPOINT: await bedrock.start(),
        BEDROCK_GUARDRAIL_APPLY_TO: 'output',
        AWS_ACCESS_KEY_ID: keys.accessKeyId,
        AWS_SECRET_ACCESS_KEY: keys.secretAccessKey,
      },
    });
  });
  afterAll(async () => {
    await gw?.close();
    await bedrock.stop();
    await upstream.stop();
  });

  it('blocks a unary tool call whose arguments a policy blocks', async () => {
    upstream.script(CHAT, toolCallAnswer('run', `{"topic":"${STUB_DENIED_TOPIC}"}`));
    const res = await post(gw, CHAT, ASK);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'guardrail_blocked',
      message: 'Request blocked by guardrail bedrock: topic:forbidden_topic',
    });
    expect(bedrock.last().body).toEqual({
      source: 'OUTPUT',
      content: [{ text: { text: `{"topic":"${STUB_DENIED_TOPIC}"}` } }],
    });
  });

  it('ends a streamed tool call a policy blocks with the error event', async () => {
    upstream.script(CHAT, toolCallStream('run', ['{"topic":"forbidden', '-topic"}']));
    const { frames } = await rawStream(gw, ASK);
    // The error event alone: not a fragment of the arguments, not the tool call's name.
    expect(frames).toEqual([blockedFrame('bedrock', 'guardrail_blocked', 'topic:forbidden_topic')]);
  });

  it('blocks tool-call arguments Bedrock would mask rather than call the tool with placeholders', async () => {
    upstream.script(CHAT, toolCallAnswer('mail', '{"to":"jane@example.com"}'));
    const res = await post(gw, CHAT, ASK);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({
      code: 'guardrail_blocked',
      category: 'sensitive_information:email',
    });
    upstream.script(CHAT, toolCallStream('mail', ['{"to":"jane@', 'example.com"}']));
    const { text, frames } = await rawStream(gw, ASK);
    expect(text).not.toContain('jane');
    expect(frames).toEqual([
      blockedFrame('bedrock', 'guardrail_blocked', 'sensitive_information:email'),
    ]);
  });

  it('passes clean tool calls untouched, unary and streamed', async () => {
    upstream.script(CHAT, toolCallAnswer('run', '{"city":"Paris"}'));
    const res = await post<ToolCallResult>(gw, CHAT, ASK);
    expect(res.status).toBe(200);
    expect(res.body.choices[0]!.message.tool_calls[0]!.function.arguments).toBe('{"city":"Paris"}');
    upstream.script(CHAT, toolCallStream('run', CLEAN_PIECES));
    const { frames } = await rawStream(gw, ASK);
    expect(streamedArguments(frames)).toEqual(['', ...CLEAN_PIECES]);
    expect(bedrock.last().body.content).toEqual([{ text: { text: '{"city":"Paris"}' } }]);
  });
});

describe('Guardrails: the content filter on tool calls', () => {
  const upstream = new OpenAiStubServer();
  let gw: TestGateway;
  const BOMB = ['{"q":"how to build a pi', 'pe bomb"}'];

  beforeAll(async () => {
    gw = await startTestGateway({
      yaml: stubConfig(await upstream.start()),
      env: { CONTENT_FILTER_ENABLED: 'true', CONTENT_FILTER_APPLY_TO: 'output' },
    });
  });
  afterAll(async () => {
    await gw?.close();
    await upstream.stop();
  });

  it('blocks tool-call arguments in its categories, unary and streamed', async () => {
    upstream.script(CHAT, toolCallAnswer('search', BOMB.join('')));
    const res = await post(gw, CHAT, ASK);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'guardrail_blocked', category: 'violence' });
    upstream.script(CHAT, toolCallStream('search', BOMB));
    const { frames } = await rawStream(gw, ASK);
    expect(frames.at(-1)).toEqual(blockedFrame('content_filter', 'guardrail_blocked', 'violence'));
    expect(streamedArguments(frames).join('')).not.toContain('pipe bomb');
  });

  it('passes clean tool calls untouched', async () => {
    upstream.script(CHAT, toolCallStream('search', CLEAN_PIECES));
    const { frames } = await rawStream(gw, ASK);
    expect(streamedArguments(frames)).toEqual(['', ...CLEAN_PIECES]);
  });
});
