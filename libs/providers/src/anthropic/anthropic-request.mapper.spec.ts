import type { ChatCompletionRequest } from '../contract/openai-wire.types';
import { ProviderErrorCode, ProviderException } from '../contract/provider.exception';
import { toAnthropicRequest } from './anthropic-request.mapper';
import { RICH_ANTHROPIC_BODY, RICH_REQUEST } from './__fixtures__/rich-request';

function thrown(fn: () => unknown): ProviderException {
  try {
    fn();
  } catch (err) {
    if (err instanceof ProviderException) return err;
    throw err;
  }
  throw new Error('expected a ProviderException');
}

const MODEL = 'claude-sonnet-4-20250514';

function simple(extra: Partial<ChatCompletionRequest>): ChatCompletionRequest {
  return { model: 'g', messages: [{ role: 'user', content: 'hi' }], ...extra };
}

describe(toAnthropicRequest.name, () => {
  it('translates a rich request exactly, dropping parameters Anthropic lacks', () => {
    const request = structuredClone(RICH_REQUEST);
    expect(toAnthropicRequest(request, MODEL, false)).toEqual(RICH_ANTHROPIC_BODY);
    expect(request).toEqual(RICH_REQUEST);
  });

  it('defaults max_tokens to 4096, maps a string stop and marks streams', () => {
    expect(toAnthropicRequest(simple({ stop: 'END', max_tokens: 7 }), MODEL, true)).toEqual({
      model: MODEL,
      max_tokens: 7,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }],
      stop_sequences: ['END'],
      stream: true,
    });
    expect(toAnthropicRequest(simple({}), MODEL, false).max_tokens).toBe(4096);
  });

  it.each([
    ['auto', { type: 'auto' }],
    ['none', { type: 'none' }],
    ['required', { type: 'any' }],
    [
      { type: 'function', function: { name: 'get_time' } },
      { type: 'tool', name: 'get_time' },
    ],
  ])('maps tool_choice %j', (choice, expected) => {
    expect(toAnthropicRequest(simple({ tool_choice: choice }), MODEL, false).tool_choice).toEqual(
      expected,
    );
  });

  it('turns parallel_tool_calls: false alone into auto without parallel tool use', () => {
    const body = toAnthropicRequest(simple({ parallel_tool_calls: false }), MODEL, false);
    expect(body.tool_choice).toEqual({ type: 'auto', disable_parallel_tool_use: true });
  });

  it('refuses n > 1', () => {
    const err = thrown(() => toAnthropicRequest(simple({ n: 2 }), MODEL, false));
    expect(err).toMatchObject({ status: 400, code: ProviderErrorCode.UnsupportedOperation });
  });

  it('refuses tool call arguments that are not a JSON object, naming the field', () => {
    const messages = [
      { role: 'user', content: 'hi' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'c1', type: 'function', function: { name: 'f', arguments: '{oops' } }],
      },
    ];
    const err = thrown(() => toAnthropicRequest(simple({ messages }), MODEL, false));
    expect(err).toMatchObject({
      status: 400,
      code: 'invalid_tool_call_arguments',
      param: 'messages[1].tool_calls[0].function.arguments',
    });
  });

  it('refuses image URLs that are neither data: nor http(s)', () => {
    const messages = [
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'ftp://x/y.png' } }] },
    ];
    const err = thrown(() => toAnthropicRequest(simple({ messages }), MODEL, false));
    expect(err).toMatchObject({ status: 400, param: 'messages[0].content[0].image_url' });
  });

  it('merges consecutive user turns and drops empty ones', () => {
    const messages = [
      { role: 'user', content: 'a' },
      { role: 'assistant', content: '' },
      {
        role: 'user',
        content: [{ type: 'text', text: 'b', cache_control: { type: 'ephemeral' } }],
      },
    ];
    expect(toAnthropicRequest(simple({ messages }), MODEL, false).messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'a' },
          { type: 'text', text: 'b', cache_control: { type: 'ephemeral' } },
        ],
      },
    ]);
  });
});
