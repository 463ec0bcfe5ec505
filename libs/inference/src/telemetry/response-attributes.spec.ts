import type { AttributeBlock } from '@routeiq/observability';
import type { ResponseFacts } from './response-facts';
import { responseAttributes, sameTokens } from './response-attributes';

const attributesOf = (block: AttributeBlock | undefined) =>
  block && Object.fromEntries(block.keys.map((key, i) => [key, block.values[i]]));

describe('responseAttributes', () => {
  it('gives what the answer says, in one order, and nothing for an answer that says nothing', () => {
    const full: ResponseFacts = { model: 'm-1', id: 'chatcmpl-1', finishReasons: ['stop'] };
    const block = responseAttributes(full, 14, 38)!;

    expect(block.keys).toEqual([
      'gen_ai.response.model',
      'gen_ai.response.id',
      'gen_ai.response.finish_reasons',
      'gen_ai.usage.input_tokens',
      'gen_ai.usage.output_tokens',
    ]);
    expect(block.values).toEqual(['m-1', 'chatcmpl-1', ['stop'], 14, 38]);
    expect(block.lasting).toBe(false);
    expect(attributesOf(responseAttributes({ id: 'x', finishReasons: [] }, undefined, 0))).toEqual({
      'gen_ai.response.id': 'x',
      'gen_ai.usage.output_tokens': 0,
    });
    expect(
      attributesOf(responseAttributes({ model: 'm', finishReasons: ['a', 'b'] }, 3, undefined)),
    ).toEqual({
      'gen_ai.response.model': 'm',
      'gen_ai.response.finish_reasons': ['a', 'b'],
      'gen_ai.usage.input_tokens': 3,
    });
    expect(responseAttributes({ finishReasons: [] }, undefined, undefined)).toBeUndefined();
  });

  it('shares the keys of one set of facts between blocks, each block its own values', () => {
    const a = responseAttributes({ model: 'm', id: 'a', finishReasons: [] }, 1, 2)!;
    const b = responseAttributes({ model: 'm', id: 'b', finishReasons: [] }, 3, 4)!;

    expect(a.keys).toBe(b.keys);
    expect(a.values).toEqual(['m', 'a', 1, 2]);
    expect(b.values).toEqual(['m', 'b', 3, 4]);
  });
});

describe('sameTokens', () => {
  it('tells whether a block says these token counts, none where it has none', () => {
    const facts: ResponseFacts = { model: 'm', finishReasons: [] };
    const both = responseAttributes(facts, 14, 38)!;
    const none = responseAttributes(facts, undefined, undefined)!;

    expect(sameTokens(both, 14, 38)).toBe(true);
    expect(sameTokens(both, 14, 39)).toBe(false);
    expect(sameTokens(both, undefined, 38)).toBe(false);
    expect(sameTokens(none, undefined, undefined)).toBe(true);
    expect(sameTokens(none, 0, undefined)).toBe(false);
  });
});
