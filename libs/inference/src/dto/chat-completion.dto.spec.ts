import { CommonErrorCode } from '@routeiq/common';
import { parseChatCompletionRequest } from './chat-completion.dto';
import { parseCompletionRequest } from './completion.dto';
import { parseEmbeddingRequest } from './embedding.dto';

const messages = [{ role: 'user', content: 'hi' }];

function rejection(fn: () => unknown): { status: number; code: string; param: string | null } {
  try {
    fn();
  } catch (error) {
    return error as { status: number; code: string; param: string | null };
  }
  throw new Error('expected a rejection');
}

describe(parseChatCompletionRequest.name, () => {
  it('returns the body untouched, unknown fields included', () => {
    const body = { model: 'm', messages, tools: [{ type: 'function' }], vendor_x: { a: 1 }, n: 2 };
    expect(parseChatCompletionRequest(body)).toBe(body);
  });

  it.each([
    ['a non-object body', 'text', ''],
    ['a missing model', { messages }, 'model'],
    ['an empty model', { model: ' ', messages }, 'model'],
    ['missing messages', { model: 'm' }, 'messages'],
    ['empty messages', { model: 'm', messages: [] }, 'messages'],
    ['a message that is not an object', { model: 'm', messages: ['hi'] }, 'messages[0]'],
    [
      'a message without a role',
      { model: 'm', messages: [{ role: 'user' }, { content: 'x' }] },
      'messages[1].role',
    ],
    ['stream not a boolean', { model: 'm', messages, stream: 1 }, 'stream'],
    [
      'stream_options without stream',
      { model: 'm', messages, stream_options: { include_usage: true } },
      'stream_options',
    ],
    [
      'include_usage not a boolean',
      { model: 'm', messages, stream: true, stream_options: { include_usage: 'yes' } },
      'stream_options.include_usage',
    ],
    ['n = 0', { model: 'm', messages, n: 0 }, 'n'],
    ['n not an integer', { model: 'm', messages, n: 1.5 }, 'n'],
    ['tools not an array', { model: 'm', messages, tools: {} }, 'tools'],
    ['mock_response not a string', { model: 'm', messages, mock_response: 1 }, 'mock_response'],
  ])('rejects %s with 400 naming the parameter', (_name, body, param) => {
    expect(rejection(() => parseChatCompletionRequest(body))).toMatchObject({
      status: 400,
      code: CommonErrorCode.InvalidRequest,
      param,
    });
  });

  it('accepts nulls where OpenAI does', () => {
    expect(() =>
      parseChatCompletionRequest({ model: 'm', messages, stream: null, n: null, tools: null }),
    ).not.toThrow();
  });
});

describe(parseCompletionRequest.name, () => {
  it.each([
    ['a string', 'Say'],
    ['strings', ['a', 'b']],
    ['token arrays', [[1, 2], [3]]],
  ])('accepts a prompt of %s', (_n, prompt) => {
    expect(parseCompletionRequest({ model: 'm', prompt })).toMatchObject({ prompt });
  });

  it.each([
    ['missing', undefined],
    ['an object', {}],
    ['an empty array', []],
  ])('rejects a prompt that is %s', (_n, prompt) => {
    expect(rejection(() => parseCompletionRequest({ model: 'm', prompt }))).toMatchObject({
      status: 400,
      param: 'prompt',
    });
  });
});

describe(parseEmbeddingRequest.name, () => {
  it('accepts a string or an array input', () => {
    expect(() => parseEmbeddingRequest({ model: 'm', input: 'x' })).not.toThrow();
    expect(() =>
      parseEmbeddingRequest({ model: 'm', input: ['x', 'y'], encoding_format: 'base64' }),
    ).not.toThrow();
  });

  it.each([
    ['an empty input', { model: 'm', input: '' }, 'input'],
    ['an unknown encoding', { model: 'm', input: 'x', encoding_format: 'hex' }, 'encoding_format'],
    ['dimensions = 0', { model: 'm', input: 'x', dimensions: 0 }, 'dimensions'],
  ])('rejects %s', (_n, body, param) => {
    expect(rejection(() => parseEmbeddingRequest(body))).toMatchObject({ status: 400, param });
  });
});

describe('model name checks', () => {
  const parsers = [parseChatCompletionRequest, parseCompletionRequest, parseEmbeddingRequest];
  const body = (model: string) => ({ model, messages, prompt: 'p', input: 'i' });

  it.each([
    ['a NUL', 'gpt\u0000'],
    ['a newline (log forging)', 'gpt\n[ERROR] forged'],
    ['an ANSI escape', '\u001b[31mgpt'],
    ['a C1 control', 'gpt\u0085'],
    ['a lone high surrogate', 'gpt-\ud800'],
    ['a lone low surrogate', '\udc00gpt'],
    ['an RTL override', 'gpt-\u202e4o'],
    ['a zero-width space', 'gpt\u200b'],
    ['a zero-width joiner', 'gpt\u200d'],
    ['a BOM', '\ufeffgpt'],
    ['a line separator', 'gpt\u2028'],
    ['a replacement character (invalid UTF-8)', 'gpt\ufffd'],
    ['257 characters', 'm'.repeat(257)],
  ])('refuses a model with %s on every endpoint', (_name, model) => {
    for (const parse of parsers) {
      expect(rejection(() => parse(body(model)))).toMatchObject({
        status: 400,
        code: CommonErrorCode.InvalidRequest,
        param: 'model',
      });
    }
  });

  it.each([
    'gpt-4o-mini',
    'openai/gpt-4o',
    'bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0',
    'azure/my deployment',
    'モデル-日本語',
    'emoji-😀',
    "gpt' OR '1'='1",
    'm'.repeat(256),
  ])('accepts the model name %j', (model) => {
    for (const parse of parsers) expect(() => parse(body(model))).not.toThrow();
  });
});
