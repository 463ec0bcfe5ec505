import { BEDROCK_STUB_TEXT, BedrockStubServer } from '@routeiq/testing';
import type { ChatCompletionRequest } from '../contract/openai-wire.types';
import { UpstreamHttpClient } from '../http/upstream-http.client';
import { bedrockContext, KEYS, MODEL_ID, resign } from './__fixtures__/bedrock-harness';
import converseResponse from './__fixtures__/converse-response.json';
import { BedrockAdapter } from './bedrock.adapter';

const PNG =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const ENCODED_PATH = '/model/anthropic.claude-3-5-sonnet-20240620-v1%3A0';

const RICH_REQUEST: ChatCompletionRequest = {
  model: 'weather',
  messages: [
    { role: 'system', content: 'You are terse.' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Weather in Paris and Lyon? Here is a map.' },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } },
      ],
    },
    {
      role: 'assistant',
      content: 'Checking.',
      tool_calls: [
        {
          id: 'call_1',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
        },
        {
          id: 'call_2',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Lyon"}' },
        },
      ],
    },
    { role: 'tool', tool_call_id: 'call_1', content: '21°C' },
    { role: 'tool', tool_call_id: 'call_2', content: [{ type: 'text', text: '19°C' }] },
    { role: 'user', content: 'And tomorrow?' },
  ],
  max_tokens: 256,
  temperature: 0.2,
  top_p: 0.9,
  stop: ['END'],
  tools: [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'Current weather',
        parameters: {
          type: 'object',
          properties: { city: { type: 'string' } },
          required: ['city'],
        },
      },
    },
  ],
  tool_choice: { type: 'function', function: { name: 'get_weather' } },
};

const EXPECTED_BODY = {
  messages: [
    {
      role: 'user',
      content: [
        { text: 'Weather in Paris and Lyon? Here is a map.' },
        { image: { format: 'png', source: { bytes: PNG } } },
      ],
    },
    {
      role: 'assistant',
      content: [
        { text: 'Checking.' },
        { toolUse: { toolUseId: 'call_1', name: 'get_weather', input: { city: 'Paris' } } },
        { toolUse: { toolUseId: 'call_2', name: 'get_weather', input: { city: 'Lyon' } } },
      ],
    },
    {
      role: 'user',
      content: [
        { toolResult: { toolUseId: 'call_1', content: [{ text: '21°C' }] } },
        { toolResult: { toolUseId: 'call_2', content: [{ text: '19°C' }] } },
        { text: 'And tomorrow?' },
      ],
    },
  ],
  system: [{ text: 'You are terse.' }],
  inferenceConfig: { maxTokens: 256, temperature: 0.2, topP: 0.9, stopSequences: ['END'] },
  toolConfig: {
    tools: [
      {
        toolSpec: {
          name: 'get_weather',
          description: 'Current weather',
          inputSchema: {
            json: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          },
        },
      },
    ],
    toolChoice: { tool: { name: 'get_weather' } },
  },
};

const AUTHORIZATION = new RegExp(
  `^AWS4-HMAC-SHA256 Credential=${KEYS.accessKeyId}/\\d{8}/us-east-1/bedrock/aws4_request, ` +
    'SignedHeaders=accept;content-type;host;x-amz-date(;x-amz-security-token)?, Signature=[0-9a-f]{64}$',
);

describe(BedrockAdapter.name, () => {
  let stub: BedrockStubServer;
  let http: UpstreamHttpClient;

  beforeEach(async () => {
    stub = new BedrockStubServer();
    await stub.start();
    http = new UpstreamHttpClient();
  });

  afterEach(async () => {
    await http.onApplicationShutdown();
    await stub.stop();
  });

  it('sends the exact, SigV4-signed Converse request for a rich chat request', async () => {
    const ctx = bedrockContext(http, stub.origin);
    await ctx.deployment.adapter.chat(RICH_REQUEST, ctx);

    const sent = stub.last();
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe(`${ENCODED_PATH}/converse`);
    expect(JSON.parse(sent.rawBody)).toEqual(EXPECTED_BODY);
    expect(sent.headers).toMatchObject({
      host: new URL(stub.origin).host,
      accept: 'application/json',
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(sent.rawBody)),
    });
    expect(sent.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(sent.headers['x-amz-security-token']).toBeUndefined();
    expect(sent.headers.authorization).toMatch(AUTHORIZATION);
    expect(sent.headers.authorization).toContain(
      'SignedHeaders=accept;content-type;host;x-amz-date,',
    );
    await expect(resign(sent, KEYS, 'us-east-1')).resolves.toBe(sent.headers.authorization);
    // The signature covers the body: other bytes would not verify.
    await expect(resign(sent, KEYS, 'us-east-1', `${sent.rawBody} `)).resolves.not.toBe(
      sent.headers.authorization,
    );
  });

  it('signs with the deployment keys and session token, in the deployment region', async () => {
    const own = {
      accessKeyId: 'AKIAOWNKEY',
      secretAccessKey: 'own-secret',
      sessionToken: 'FwoGZXIvYXdzE',
    };
    const ctx = bedrockContext(http, stub.origin, {
      aws_region_name: 'eu-central-1',
      aws_access_key_id: own.accessKeyId,
      aws_secret_access_key: own.secretAccessKey,
      aws_session_token: own.sessionToken,
    });
    await ctx.deployment.adapter.chat(
      { model: 'm', messages: [{ role: 'user', content: 'Hi' }] },
      ctx,
    );

    const sent = stub.last();
    expect(sent.headers['x-amz-security-token']).toBe(own.sessionToken);
    expect(sent.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIAOWNKEY\/\d{8}\/eu-central-1\/bedrock\/aws4_request, SignedHeaders=accept;content-type;host;x-amz-date;x-amz-security-token, /,
    );
    await expect(resign(sent, own, 'eu-central-1')).resolves.toBe(sent.headers.authorization);
    expect(JSON.parse(sent.rawBody)).toEqual({
      messages: [{ role: 'user', content: [{ text: 'Hi' }] }],
    });
  });

  it('translates a Converse answer with text, two tool uses and cached usage', async () => {
    stub.script('converse', { kind: 'json', status: 200, body: converseResponse });
    const ctx = bedrockContext(http, stub.origin);
    const completion = await ctx.deployment.adapter.chat(RICH_REQUEST, ctx);

    expect(completion).toEqual({
      id: 'chatcmpl-stub-request-1',
      object: 'chat.completion',
      created: expect.any(Number) as number,
      model: MODEL_ID,
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Let me check the weather in both cities.',
            tool_calls: [
              {
                id: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
              },
              {
                id: 'tooluse_2mlOC5xGQ3OZWwH4Ykyo1g',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Lyon","unit":"celsius"}' },
              },
            ],
          },
          finish_reason: 'tool_calls',
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 1436,
        completion_tokens: 96,
        total_tokens: 1532,
        prompt_tokens_details: { cached_tokens: 1024 },
        cache_read_input_tokens: 1024,
        cache_creation_input_tokens: 0,
      },
    });
  });

  it('translates a plain answer from the stub', async () => {
    const ctx = bedrockContext(http, stub.origin);
    const completion = await ctx.deployment.adapter.chat(
      { model: 'm', messages: [{ role: 'user', content: 'Hi' }] },
      ctx,
    );
    expect(completion.choices).toEqual([
      {
        index: 0,
        message: { role: 'assistant', content: BEDROCK_STUB_TEXT },
        finish_reason: 'stop',
        logprobs: null,
      },
    ]);
    expect(completion.usage).toEqual({ prompt_tokens: 12, completion_tokens: 6, total_tokens: 18 });
  });

  it.each([
    ['max_tokens', 'length'],
    ['stop_sequence', 'stop'],
    ['guardrail_intervened', 'content_filter'],
    ['content_filtered', 'content_filter'],
  ])('maps stopReason %s to finish_reason %s', async (stopReason, finishReason) => {
    stub.script('converse', {
      kind: 'json',
      status: 200,
      body: { output: { message: { role: 'assistant', content: [{ text: 'x' }] } }, stopReason },
    });
    const ctx = bedrockContext(http, stub.origin);
    const completion = await ctx.deployment.adapter.chat(
      { model: 'm', messages: [{ role: 'user', content: 'x' }] },
      ctx,
    );
    expect(completion.choices[0]?.finish_reason).toBe(finishReason);
  });
});
