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
