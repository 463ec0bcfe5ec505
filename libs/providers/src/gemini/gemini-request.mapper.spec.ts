import type { ChatCompletionRequest } from '../contract/openai-wire.types';
import { ProviderException } from '../contract/provider.exception';
import { guessImageMime } from './gemini-content.mapper';
import { toGeminiRequest } from './gemini-request.mapper';
import { toGeminiSchema } from './gemini-schema.mapper';

function request(extra: Partial<ChatCompletionRequest>): ChatCompletionRequest {
  return { model: 'g', messages: [{ role: 'user', content: 'Hi' }], ...extra };
}

const WEATHER_TOOL = {
  type: 'function',
  function: {
    name: 'get_weather',
    description: 'Weather for a city',
    parameters: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      additionalProperties: false,
      properties: { city: { type: 'string' }, $ref: { type: ['string', 'null'] } },
      required: ['city'],
    },
  },
};

describe(toGeminiRequest.name, () => {
  it('merges consecutive turns of one role and keeps every system message', () => {
    const body = toGeminiRequest(
      request({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'developer', content: [{ type: 'text', text: 'Use metric.' }] },
          { role: 'user', content: 'One' },
          { role: 'user', content: [{ type: 'text', text: 'Two' }] },
          { role: 'assistant', content: 'Three' },
        ],
      }),
    );
    expect(body).toEqual({
      systemInstruction: { parts: [{ text: 'Be brief.' }, { text: 'Use metric.' }] },
      contents: [
        { role: 'user', parts: [{ text: 'One' }, { text: 'Two' }] },
        { role: 'model', parts: [{ text: 'Three' }] },
      ],
    });
  });

  it('maps generation parameters and json_object output', () => {
    const body = toGeminiRequest(
      request({
        max_tokens: 50,
        max_completion_tokens: 100,
        temperature: 0.2,
        top_p: 0.9,
        stop: 'END',
        n: 2,
        seed: 7,
        logit_bias: { 1: 2 },
        response_format: { type: 'json_object' },
      }),
    );
    expect(body.generationConfig).toEqual({
      maxOutputTokens: 100,
      temperature: 0.2,
      topP: 0.9,
      stopSequences: ['END'],
      candidateCount: 2,
      seed: 7,
      responseMimeType: 'application/json',
    });
  });

  it('passes a cleaned json_schema as responseSchema', () => {
    const body = toGeminiRequest(
      request({
        response_format: {
          type: 'json_schema',
          json_schema: {
            name: 'answer',
            strict: true,
            schema: {
              type: 'object',
              additionalProperties: false,
              properties: {
                kind: { const: 'x' },
                tags: { type: 'array', items: { oneOf: [{ type: 'string' }] } },
              },
            },
          },
        },
      }),
    );
    expect(body.generationConfig).toEqual({
      responseMimeType: 'application/json',
      responseSchema: {
        type: 'object',
        properties: {
          kind: { enum: ['x'] },
          tags: { type: 'array', items: { anyOf: [{ type: 'string' }] } },
        },
      },
    });
  });

  it('maps tools, dropping rejected schema keys but not property names, and tool_choice', () => {
    const noArgs = {
      type: 'function',
      function: { name: 'now', parameters: { type: 'object', properties: {} } },
    };
    const body = toGeminiRequest(
      request({
        tools: [WEATHER_TOOL, noArgs],
        tool_choice: { type: 'function', function: { name: 'now' } },
      }),
    );
    expect(body.tools).toEqual([
      {
        functionDeclarations: [
          {
            name: 'get_weather',
            description: 'Weather for a city',
            parameters: {
              type: 'object',
              properties: { city: { type: 'string' }, $ref: { type: 'string', nullable: true } },
              required: ['city'],
            },
          },
          { name: 'now' },
        ],
      },
    ]);
    expect(body.toolConfig).toEqual({
      functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['now'] },
    });
  });

  it.each([
    ['auto', 'AUTO'],
    ['none', 'NONE'],
    ['required', 'ANY'],
  ])('maps tool_choice %s to mode %s', (choice, mode) => {
    expect(
      toGeminiRequest(request({ tools: [WEATHER_TOOL], tool_choice: choice })).toolConfig,
    ).toEqual({
      functionCallingConfig: { mode },
    });
  });

  it('rejects a tool result that answers no known tool call', () => {
    const messages = [
      { role: 'user', content: 'Hi' },
      { role: 'tool', tool_call_id: 'call_missing', content: 'x' },
    ];
    expect(() => toGeminiRequest(request({ messages }))).toThrow(ProviderException);
  });

  it('rejects tool call arguments that are not JSON', () => {
    const messages = [
      {
        role: 'assistant',
        tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: '{oops' } }],
      },
    ];
    expect(() => toGeminiRequest(request({ messages }))).toThrow(/must be a JSON object/);
  });
});

describe(toGeminiSchema.name, () => {
  it('returns an empty schema for non-objects', () => {
    expect(toGeminiSchema('nope')).toEqual({});
  });
});

describe(guessImageMime.name, () => {
  it.each([
    ['https://x.test/a.PNG?size=2', 'image/png'],
    ['https://x.test/a.webp', 'image/webp'],
    ['https://x.test/image', 'image/jpeg'],
  ])('guesses %s as %s', (url, mime) => {
    expect(guessImageMime(url)).toBe(mime);
  });
});
