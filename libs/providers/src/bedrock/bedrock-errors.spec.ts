import { BedrockStubServer } from '@routeiq/testing';
import type { ChatCompletionRequest } from '../contract/openai-wire.types';
import { ProviderErrorKind } from '../contract/provider-error-kind';
import { ProviderErrorCode } from '../contract/provider.exception';
import { UpstreamHttpClient } from '../http/upstream-http.client';
import { bedrockContext, failure } from './__fixtures__/bedrock-harness';
import { BedrockAdapter } from './bedrock.adapter';

const RICH_REQUEST: ChatCompletionRequest = {
  model: 'm',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: 'Hi' },
  ],
};

describe(`${BedrockAdapter.name} errors`, () => {
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

  it.each([
    [
      429,
      'ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/',
      'Too many requests, please wait before trying again.',
      ProviderErrorKind.RateLimited,
    ],
    [
      400,
      'ValidationException:http://internal.amazon.com/coral/com.amazon.bedrock/',
      'Input is too long for requested model.',
      ProviderErrorKind.ContextWindowExceeded,
    ],
    [
      400,
      'ValidationException',
      'The provided model identifier is invalid.',
      ProviderErrorKind.BadRequest,
    ],
    [
      403,
      'AccessDeniedException',
      "You don't have access to the model with the specified model ID.",
      ProviderErrorKind.Auth,
    ],
    [
      408,
      'ModelTimeoutException',
      'Model has timed out in processing the request.',
      ProviderErrorKind.Timeout,
    ],
    [
      503,
      'ServiceUnavailableException',
      'Service temporarily unavailable.',
      ProviderErrorKind.Unavailable,
    ],
  ])('maps HTTP %i %s to a ProviderException', async (status, errorType, message, kind) => {
    stub.script('converse', {
      kind: 'json',
      status,
      body: { message },
      headers: { 'x-amzn-errortype': errorType },
    });
    const ctx = bedrockContext(http, stub.origin);
    const err = await failure(ctx.deployment.adapter.chat(RICH_REQUEST, ctx));
    expect(err).toMatchObject({
      status,
      code: ProviderErrorCode.UpstreamHttpError,
      kind,
      message: `Bedrock ${errorType.split(':')[0]}: ${message}`,
    });
  });

  it('rejects http image URLs with a 400 before calling Bedrock', async () => {
    const ctx = bedrockContext(http, stub.origin);
    const request: ChatCompletionRequest = {
      model: 'm',
      messages: [
        {
          role: 'user',
          content: [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }],
        },
      ],
    };
    const err = await failure(ctx.deployment.adapter.chat(request, ctx));
    expect(err).toMatchObject({
      status: 400,
      code: 'invalid_request',
      param: 'messages[0].content[0]',
    });
    expect(stub.requests).toHaveLength(0);
  });

  it('answers 400 unsupported_operation for completions and embeddings', async () => {
    const ctx = bedrockContext(http, stub.origin);
    const adapter = ctx.deployment.adapter;
    for (const call of [
      adapter.completion({ model: 'm', prompt: 'x' }, ctx),
      adapter.completionStream({ model: 'm', prompt: 'x' }, ctx),
      adapter.embedding({ model: 'm', input: 'x' }, ctx),
    ]) {
      await expect(failure(call)).resolves.toMatchObject({
        status: 400,
        code: ProviderErrorCode.UnsupportedOperation,
      });
    }
    expect(stub.requests).toHaveLength(0);
  });

  it('fails with upstream_timeout when Bedrock does not answer', async () => {
    stub.script('converse', { kind: 'hang' });
    const ctx = bedrockContext(http, stub.origin, {}, { timeout: 0.2 });
    const err = await failure(ctx.deployment.adapter.chat(RICH_REQUEST, ctx));
    expect(err).toMatchObject({ status: 504, code: ProviderErrorCode.UpstreamTimeout });
  });

  it('answers 400 for n > 1 and for an unparseable tool call', async () => {
    const ctx = bedrockContext(http, stub.origin);
    await expect(
      failure(ctx.deployment.adapter.chat({ ...RICH_REQUEST, n: 2 }, ctx)),
    ).resolves.toMatchObject({ status: 400, param: 'n' });
    const badArgs: ChatCompletionRequest = {
      model: 'm',
      messages: [
        { role: 'user', content: 'Hi' },
        {
          role: 'assistant',
          tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{oops' } }],
        },
      ],
    };
    await expect(failure(ctx.deployment.adapter.chat(badArgs, ctx))).resolves.toMatchObject({
      status: 400,
      code: 'invalid_request',
      param: 'messages[1].tool_calls[0].function.arguments',
    });
    expect(stub.requests).toHaveLength(0);
  });

  it('rejects a 2xx answer that is not JSON as upstream_invalid_response', async () => {
    stub.script('converse', { kind: 'json', status: 200, body: [] });
    const ctx = bedrockContext(http, stub.origin);
    await expect(failure(ctx.deployment.adapter.chat(RICH_REQUEST, ctx))).resolves.toMatchObject({
      status: 502,
      code: ProviderErrorCode.UpstreamInvalidResponse,
    });
  });
});
