import {
  ANTHROPIC_STUB_TEXT,
  AnthropicStubServer,
  type AnthropicStubBehaviour,
} from '@routeiq/testing';
import { ProviderErrorCode } from '../contract/provider.exception';
import { ProviderErrorKind } from '../contract/provider-error-kind';
import { deploymentConfig } from '../__fixtures__/deployments';
import { UpstreamHttpClient } from '../http/upstream-http.client';
import { anthropicContext, fixture, rejection } from './__fixtures__/anthropic-harness';
import { RICH_ANTHROPIC_BODY, RICH_REQUEST } from './__fixtures__/rich-request';
import { AnthropicAdapter } from './anthropic.adapter';

const NOW_MS = 1_750_000_000_000;
const SIMPLE = { model: 'g', messages: [{ role: 'user', content: 'Hi' }] };

describe(AnthropicAdapter.name, () => {
  let stub: AnthropicStubServer;
  let http: UpstreamHttpClient;
  let apiBase: string;

  beforeEach(async () => {
    stub = new AnthropicStubServer();
    apiBase = await stub.start();
    http = new UpstreamHttpClient();
    jest.spyOn(Date, 'now').mockReturnValue(NOW_MS);
  });

  afterEach(async () => {
    jest.restoreAllMocks();
    await http.onApplicationShutdown();
    await stub.stop();
  });

  it('sends the exact request: path, auth and version headers, extra headers, translated body', async () => {
    stub.script({ kind: 'json', status: 200, body: JSON.parse(fixture('message-tool-use.json')) });
    const ctx = anthropicContext(http, `${apiBase}/`, {
      api_key: 'sk-ant-deployment',
      drop_params: true,
      extra_headers: { 'anthropic-beta': 'prompt-caching-2024-07-31' },
    });

    await ctx.deployment.adapter.chat(structuredClone(RICH_REQUEST), ctx);

    const sent = stub.last();
    expect(sent.method).toBe('POST');
    expect(sent.path).toBe('/v1/messages');
    expect(sent.headers).toEqual({
      host: apiBase.slice('http://'.length),
      connection: 'keep-alive',
      'content-length': expect.any(String) as string,
      'x-api-key': 'sk-ant-deployment',
      'anthropic-version': '2023-06-01',
      'content-type': 'application/json',
      'anthropic-beta': 'prompt-caching-2024-07-31',
    });
    expect(sent.body).toEqual(RICH_ANTHROPIC_BODY);
  });

  it('translates text, parallel tool uses, finish reason and cache usage exactly', async () => {
    stub.script({ kind: 'json', status: 200, body: JSON.parse(fixture('message-tool-use.json')) });
    const ctx = anthropicContext(http, apiBase);

    const answer = await ctx.deployment.adapter.chat(SIMPLE, ctx);

    expect(answer).toEqual({
      id: 'chatcmpl-msg_01XFDUDYJgAACzvnptvVoYEL',
      object: 'chat.completion',
      created: NOW_MS / 1000,
      model: 'claude-sonnet-4-20250514',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: "I'll check both cities.",
            tool_calls: [
              {
                id: 'toolu_01A09q90qw90lq917835lq9',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Paris","unit":"celsius"}' },
              },
              {
                id: 'toolu_01B18r81rx81mr826724mr8',
                type: 'function',
                function: { name: 'get_weather', arguments: '{"city":"Tokyo","unit":"celsius"}' },
              },
            ],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: {
        prompt_tokens: 472 + 100 + 2048,
        completion_tokens: 89,
        total_tokens: 472 + 100 + 2048 + 89,
        prompt_tokens_details: { cached_tokens: 2048 },
        cache_creation_input_tokens: 100,
        cache_read_input_tokens: 2048,
      },
    });
    expect(stub.last().headers['x-api-key']).toBe('sk-ant-test');
  });

  it('round-trips with the stub: plain text, end_turn → stop, content null without text', async () => {
    const ctx = anthropicContext(http, apiBase);
    const text = await ctx.deployment.adapter.chat({ ...SIMPLE, max_tokens: 20 }, ctx);
    expect(text.choices[0]).toEqual({
      index: 0,
      message: { role: 'assistant', content: ANTHROPIC_STUB_TEXT },
      finish_reason: 'stop',
    });
    expect(stub.last().body).toMatchObject({ max_tokens: 20 });

    // The stub rejects tool results that do not answer the preceding tool uses, as Anthropic does.
    // RICH_REQUEST also carries response_format and presence_penalty: dropped per request here.
    const tools = await ctx.deployment.adapter.chat({ ...RICH_REQUEST, drop_params: true }, ctx);
    expect(tools.choices[0]?.message.content).toBeNull();
    expect(tools.choices[0]?.finish_reason).toBe('tool_calls');
  });

  it('refuses fields Anthropic has no counterpart for unless drop_params is set, before any call', async () => {
    const ctx = anthropicContext(http, apiBase);
    const error = await rejection(
      ctx.deployment.adapter.chat({ ...SIMPLE, seed: 7, logprobs: true }, ctx),
    );
    expect(error).toMatchObject({ status: 400, code: 'unsupported_params', param: 'seed' });
    expect(error.message).toContain('"logprobs"');
    expect(stub.requests).toHaveLength(0);
    const dropping = anthropicContext(http, apiBase, { drop_params: true });
    await dropping.deployment.adapter.chat({ ...SIMPLE, seed: 7 }, dropping);
    expect(stub.last().body).not.toHaveProperty('seed');
  });

  it.each([
    [400, 'invalid_request_error', 'max_tokens: Field required', ProviderErrorKind.BadRequest],
    [
      400,
      'invalid_request_error',
      'prompt is too long: 210000 tokens > 200000 maximum',
      ProviderErrorKind.ContextWindowExceeded,
    ],
    [401, 'authentication_error', 'invalid x-api-key', ProviderErrorKind.Auth],
    [529, 'overloaded_error', 'Overloaded', ProviderErrorKind.Unavailable],
  ])('maps HTTP %i %s', async (status, type, message, kind) => {
    stub.script({ kind: 'error', status, type, message });
    const ctx = anthropicContext(http, apiBase);
    const err = await rejection(ctx.deployment.adapter.chat(SIMPLE, ctx));
    expect(err).toMatchObject({ status, code: type, message, kind });
    expect(err.type).toBe(status === 529 ? 'api_error' : type);
  });

  it('keeps retry-after on a 429, for streams too', async () => {
    const error: AnthropicStubBehaviour = {
      kind: 'error',
      status: 429,
      type: 'rate_limit_error',
      message: 'slow down',
      headers: { 'retry-after': '17' },
    };
    stub.script(error, error);
    const ctx = anthropicContext(http, apiBase);
    for (const call of [
      () => ctx.deployment.adapter.chat(SIMPLE, ctx),
      () => ctx.deployment.adapter.chatStream(SIMPLE, ctx),
    ]) {
      const err = await rejection(call());
      expect(err).toMatchObject({
        status: 429,
        code: 'rate_limit_error',
        type: 'rate_limit_error',
        kind: ProviderErrorKind.RateLimited,
        headers: { 'retry-after': '17' },
      });
    }
  });

  it('keeps the status of a non-JSON error body without leaking it whole', async () => {
    stub.script({
      kind: 'raw',
      status: 502,
      body: '<html>bad gateway</html>',
      contentType: 'text/html',
    });
    const ctx = anthropicContext(http, apiBase);
    const err = await rejection(ctx.deployment.adapter.chat(SIMPLE, ctx));
    expect(err).toMatchObject({ status: 502, code: ProviderErrorCode.UpstreamHttpError });
    expect(err.message).toBe('Upstream returned HTTP 502: <html>bad gateway</html>');
  });

  it('refuses n > 1, completions and embeddings without calling upstream', async () => {
    const ctx = anthropicContext(http, apiBase);
    const { adapter } = ctx.deployment;
    for (const call of [
      () => adapter.chat({ ...SIMPLE, n: 2 }, ctx),
      () => adapter.chatStream({ ...SIMPLE, n: 3 }, ctx),
      () => adapter.completion({ model: 'g', prompt: 'x' }, ctx),
      () => adapter.completionStream({ model: 'g', prompt: 'x' }, ctx),
      () => adapter.embedding({ model: 'g', input: 'x' }, ctx),
    ]) {
      const err = await rejection(call());
      expect(err).toMatchObject({ status: 400, code: ProviderErrorCode.UnsupportedOperation });
    }
    expect(stub.requests).toHaveLength(0);
  });

  describe('resolveConnection', () => {
    const adapter = new AnthropicAdapter(new UpstreamHttpClient());

    it('defaults to api.anthropic.com and ANTHROPIC_API_KEY', () => {
      const config = deploymentConfig('anthropic/claude-3-5-haiku-latest');
      expect(adapter.resolveConnection(config, { ANTHROPIC_API_KEY: 'k' })).toEqual({
        apiBase: 'https://api.anthropic.com',
        apiKey: 'k',
      });
    });

    it('reports a missing key and a bad api_base', () => {
      const config = deploymentConfig('anthropic/claude', { api_base: 'ftp://x' });
      expect(adapter.resolveConnection(config, {})).toEqual([
        { path: 'litellm_params.api_base', message: 'must be an http(s) URL, got "ftp://x"' },
        {
          path: 'litellm_params.api_key',
          message: 'is required for provider "anthropic" (or set ANTHROPIC_API_KEY)',
        },
      ]);
    });
  });
});
