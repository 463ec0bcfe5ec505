import { GeminiStubServer } from '@routeiq/testing';
import type { ChatCompletionRequest } from '../contract/openai-wire.types';
import { deploymentConfig } from '../__fixtures__/deployments';
import { UpstreamHttpClient } from '../http/upstream-http.client';
import {
  failure,
  fixtureJson,
  geminiContext,
  GEMINI_MODEL_PATH,
} from './__fixtures__/gemini-fixtures';
import { GeminiAdapter, GEMINI_DEFAULT_API_BASE } from './gemini.adapter';

const PNG_DATA = 'iVBORw0KGgo=';

const RICH_REQUEST: ChatCompletionRequest = {
  model: 'my-gemini',
  messages: [
    { role: 'system', content: 'You are a weather bot.' },
    {
      role: 'user',
      content: [
        { type: 'text', text: 'Weather here?' },
        { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_DATA}` } },
        { type: 'image_url', image_url: { url: 'https://img.test/sky.webp' } },
      ],
    },
    {
      role: 'assistant',
      content: null,
      tool_calls: [
        {
          id: 'call_1',
          type: 'function',
          function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
        },
      ],
    },
    { role: 'tool', tool_call_id: 'call_1', content: '{"temp":21}' },
    { role: 'user', content: 'And tomorrow?' },
  ],
  tools: [
    {
      type: 'function',
      function: {
        name: 'get_weather',
        description: 'Current weather',
        parameters: {
          type: 'object',
          additionalProperties: false,
          properties: { city: { type: 'string' } },
          required: ['city'],
        },
      },
    },
  ],
  tool_choice: 'required',
  max_tokens: 256,
  temperature: 0.3,
};

const EXPECTED_BODY = {
  systemInstruction: { parts: [{ text: 'You are a weather bot.' }] },
  contents: [
    {
      role: 'user',
      parts: [
        { text: 'Weather here?' },
        { inlineData: { mimeType: 'image/png', data: PNG_DATA } },
        { fileData: { mimeType: 'image/webp', fileUri: 'https://img.test/sky.webp' } },
      ],
    },
    { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }] },
    {
      role: 'user',
      parts: [
        { functionResponse: { name: 'get_weather', response: { content: { temp: 21 } } } },
        { text: 'And tomorrow?' },
      ],
    },
  ],
  tools: [
    {
      functionDeclarations: [
        {
          name: 'get_weather',
          description: 'Current weather',
          parameters: {
            type: 'object',
            properties: { city: { type: 'string' } },
            required: ['city'],
          },
        },
      ],
    },
  ],
  toolConfig: { functionCallingConfig: { mode: 'ANY' } },
  generationConfig: { maxOutputTokens: 256, temperature: 0.3 },
};

describe(GeminiAdapter.name, () => {
  let stub: GeminiStubServer;
  let apiBase: string;
  let http: UpstreamHttpClient;

  beforeEach(async () => {
    stub = new GeminiStubServer();
    apiBase = await stub.start();
    http = new UpstreamHttpClient();
  });

  afterEach(async () => {
    await http.onApplicationShutdown();
    await stub.stop();
  });

  describe('resolveConnection', () => {
    const adapter = new GeminiAdapter(new UpstreamHttpClient());

    it('defaults the base URL and takes GEMINI_API_KEY, then GOOGLE_API_KEY', () => {
      const config = deploymentConfig('gemini/gemini-2.0-flash');
      expect(
        adapter.resolveConnection(config, { GOOGLE_API_KEY: 'g', GEMINI_API_KEY: 'm' }),
      ).toEqual({
        apiBase: GEMINI_DEFAULT_API_BASE,
        apiKey: 'm',
      });
      expect(adapter.resolveConnection(config, { GOOGLE_API_KEY: 'g' })).toEqual({
        apiBase: GEMINI_DEFAULT_API_BASE,
        apiKey: 'g',
      });
    });

    it('prefers api_key and rejects a non-http api_base', () => {
      const keyed = deploymentConfig('gemini/x', {
        api_key: 'k',
        api_base: 'https://proxy.test/v1beta//',
      });
      expect(adapter.resolveConnection(keyed, { GEMINI_API_KEY: 'm' })).toEqual({
        apiBase: 'https://proxy.test/v1beta',
        apiKey: 'k',
      });
      const bad = deploymentConfig('gemini/x', { api_base: 'ftp://x' });
      expect(adapter.resolveConnection(bad, {})).toEqual([
        { path: 'litellm_params.api_base', message: 'must be an http(s) URL, got "ftp://x"' },
      ]);
    });

    it('reports a missing key at config load', () => {
      expect(adapter.resolveConnection(deploymentConfig('gemini/x'), {})).toEqual([
        {
          path: 'litellm_params.api_key',
          message: 'is required for provider "gemini" (or set GEMINI_API_KEY / GOOGLE_API_KEY)',
        },
      ]);
    });
  });

  it('sends the exact generateContent request, key in x-goog-api-key only', async () => {
    const ctx = geminiContext(http, apiBase);

    await ctx.deployment.adapter.chat(RICH_REQUEST, ctx);

    const sent = stub.last();
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe(`${GEMINI_MODEL_PATH}:generateContent`);
    expect(sent.query).toBe('');
    expect(sent.headers['x-goog-api-key']).toBe('gm-secret-key');
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.body).toEqual(EXPECTED_BODY);
  });

  it('translates candidates, tool calls, finish reasons and usage', async () => {
    stub.script(`${GEMINI_MODEL_PATH}:generateContent`, {
      kind: 'json',
      status: 200,
      body: fixtureJson('generate-content.json'),
    });
    const ctx = geminiContext(http, apiBase);

    const completion = await ctx.deployment.adapter.chat(RICH_REQUEST, ctx);

    const toolCallId = (completion.choices[0]?.message.tool_calls?.[0] as { id: string }).id;
    expect(toolCallId).toMatch(/^call_[0-9a-f]{24}$/);
    expect(completion).toEqual({
      id: expect.stringMatching(/^chatcmpl-/) as unknown,
      object: 'chat.completion',
      created: expect.any(Number) as unknown,
      model: 'gemini-2.0-flash',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: 'Let me check the weather in Paris.',
            tool_calls: [
              {
                id: toolCallId,
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
              },
            ],
          },
          finish_reason: 'tool_calls',
          logprobs: null,
        },
        {
          index: 1,
          message: { role: 'assistant', content: 'It is sunny.' },
          finish_reason: 'length',
          logprobs: null,
        },
      ],
      usage: {
        prompt_tokens: 120,
        completion_tokens: 30,
        total_tokens: 150,
        prompt_tokens_details: { cached_tokens: 64 },
      },
    });
  });

  it('embeds a batch of texts through batchEmbedContents', async () => {
    const ctx = geminiContext(http, apiBase);

    const response = await ctx.deployment.adapter.embedding(
      { model: 'emb', input: ['a', 'b'], dimensions: 3 },
      ctx,
    );

    expect(stub.last().path).toBe(`${GEMINI_MODEL_PATH}:batchEmbedContents`);
    expect(stub.last().body).toEqual({
      requests: ['a', 'b'].map((text) => ({
        model: 'models/gemini-2.0-flash',
        content: { parts: [{ text }] },
        outputDimensionality: 3,
      })),
    });
    expect(response).toEqual({
      object: 'list',
      model: 'gemini-2.0-flash',
      data: [0, 1].map((index) => ({ object: 'embedding', index, embedding: [0.5, -0.25, 1] })),
      usage: { prompt_tokens: 0, total_tokens: 0 },
    });
  });

  it('rejects token-array embedding input and text completions without calling upstream', async () => {
    const ctx = geminiContext(http, apiBase);

    const embed = await failure(
      ctx.deployment.adapter.embedding({ model: 'e', input: [[1, 2]] }, ctx),
    );
    const completion = await failure(
      ctx.deployment.adapter.completion({ model: 'c', prompt: 'x' }, ctx),
    );

    expect(embed).toMatchObject({ status: 400, param: 'input' });
    expect(completion).toMatchObject({ status: 400, code: 'unsupported_operation' });
    expect(stub.requests).toHaveLength(0);
  });
});
