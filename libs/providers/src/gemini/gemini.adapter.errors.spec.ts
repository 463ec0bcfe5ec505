import { GeminiStubServer, googleError } from '@routeiq/testing';
import type { ChatCompletionRequest } from '../contract/openai-wire.types';
import { ProviderErrorKind } from '../contract/provider-error-kind';
import { UpstreamHttpClient } from '../http/upstream-http.client';
import {
  failure,
  fixtureJson,
  geminiContext,
  GEMINI_MODEL_PATH,
} from './__fixtures__/gemini-fixtures';
import { GeminiAdapter } from './gemini.adapter';

const RICH_REQUEST: ChatCompletionRequest = {
  model: 'my-gemini',
  messages: [{ role: 'user', content: 'Hi' }],
};

describe(`${GeminiAdapter.name} errors`, () => {
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

  it('maps a blocked prompt to a content_policy error', async () => {
    stub.script(`${GEMINI_MODEL_PATH}:generateContent`, {
      kind: 'json',
      status: 200,
      body: fixtureJson('blocked-prompt.json'),
    });
    const ctx = geminiContext(http, apiBase);

    const err = await failure(ctx.deployment.adapter.chat(RICH_REQUEST, ctx));

    expect(err.status).toBe(400);
    expect(err.kind).toBe(ProviderErrorKind.ContentPolicy);
    expect(err.message).toContain('SAFETY');
  });

  it('maps RESOURCE_EXHAUSTED to a 429 with retry-after from RetryInfo', async () => {
    stub.script(`${GEMINI_MODEL_PATH}:generateContent`, {
      kind: 'json',
      status: 429,
      body: fixtureJson('error-429.json'),
    });
    const ctx = geminiContext(http, apiBase);

    const err = await failure(ctx.deployment.adapter.chat(RICH_REQUEST, ctx));

    expect(err).toMatchObject({
      status: 429,
      code: 'resource_exhausted',
      type: 'rate_limit_error',
      kind: ProviderErrorKind.RateLimited,
      headers: { 'retry-after': '32' },
    });
    expect(err.message).toContain('exceeded your current quota');
  });

  it.each([
    [400, 'INVALID_ARGUMENT', 'Invalid value at contents[0]', ProviderErrorKind.BadRequest],
    [
      400,
      'INVALID_ARGUMENT',
      'The input token count (2000000) exceeds the maximum number of tokens allowed (1048576).',
      ProviderErrorKind.ContextWindowExceeded,
    ],
    [
      403,
      'PERMISSION_DENIED',
      "Method doesn't allow unregistered callers.",
      ProviderErrorKind.Auth,
    ],
    [404, 'NOT_FOUND', 'models/nope is not found', ProviderErrorKind.NotFound],
    [503, 'UNAVAILABLE', 'The model is overloaded.', ProviderErrorKind.Unavailable],
  ])('maps HTTP %i %s to its kind', async (status, googleStatus, message, kind) => {
    stub.script(`${GEMINI_MODEL_PATH}:generateContent`, googleError(status, googleStatus, message));
    const ctx = geminiContext(http, apiBase);

    const err = await failure(ctx.deployment.adapter.chat(RICH_REQUEST, ctx));

    expect(err).toMatchObject({ status, code: googleStatus.toLowerCase(), kind, message });
  });

  it('treats an invalid API key (400 API_KEY_INVALID) as an auth failure', async () => {
    stub.script(`${GEMINI_MODEL_PATH}:generateContent`, {
      kind: 'json',
      status: 400,
      body: fixtureJson('error-400-api-key.json'),
    });
    const ctx = geminiContext(http, apiBase);

    const err = await failure(ctx.deployment.adapter.chat(RICH_REQUEST, ctx));

    expect(err).toMatchObject({
      status: 400,
      code: 'invalid_argument',
      kind: ProviderErrorKind.Auth,
    });
  });

  it('reports a 2xx body that is not JSON as an invalid response', async () => {
    stub.script(`${GEMINI_MODEL_PATH}:generateContent`, {
      kind: 'raw',
      status: 200,
      body: '<html>',
      contentType: 'text/html',
    });
    const ctx = geminiContext(http, apiBase);

    const err = await failure(ctx.deployment.adapter.chat(RICH_REQUEST, ctx));

    expect(err).toMatchObject({ status: 502, code: 'upstream_invalid_response' });
  });
});
