import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ScoreMatrix } from '../ml.types';
import {
  callCost,
  candidateFacts,
  estimatePromptTokens,
  parseModelSize,
  parsePriceTable,
  priceOf,
  TOKEN_ESTIMATE,
  withEstimatedCosts,
} from './price-table';

const PRICES = readFileSync(join(__dirname, '__fixtures__', 'llmrouter-prices.json'), 'utf8');

describe(parsePriceTable.name, () => {
  it('reads LLMRouter default_llm.json: $/1M prices and sizes in billions', () => {
    const table = parsePriceTable(PRICES);
    expect(table.size).toBe(9);
    expect(table.get('gemma-2-9b-it')).toEqual({ inputPer1M: 0.1, outputPer1M: 0.1, size: 9 });
    expect(table.get('llama3-chatqa-1.5-70b')).toEqual({
      inputPer1M: 0.9,
      outputPer1M: 0.9,
      size: 70,
    });
  });

  it('refuses a non-object, a model without prices, and negative prices', () => {
    expect(() => parsePriceTable('[]')).toThrow(RangeError);
    expect(() => parsePriceTable('{"m": 3}')).toThrow('prices of "m" are not an object');
    expect(() => parsePriceTable('{"m": {"input_price": 1}}')).toThrow('output_price of "m"');
    expect(() => parsePriceTable('{"m": {"input_price": -1, "output_price": 1}}')).toThrow(
      'input_price of "m" is not a non-negative number',
    );
    expect(() => parsePriceTable('{')).toThrow(SyntaxError);
  });
});

describe(parseModelSize.name, () => {
  it('reads B and M suffixes and plain numbers, else unknown', () => {
    expect(parseModelSize('7B')).toBe(7);
    expect(parseModelSize(' 1.5 b ')).toBe(1.5);
    expect(parseModelSize('500M')).toBe(0.5);
    expect(parseModelSize(12)).toBe(12);
    expect(parseModelSize('8x7B')).toBeUndefined();
    expect(parseModelSize(-3)).toBeUndefined();
    expect(parseModelSize(undefined)).toBeUndefined();
  });
});

describe(priceOf.name, () => {
  it('matches the exact name first, then ignoring case and an org/ prefix', () => {
    const table = parsePriceTable(
      '{"mixtral-8x7b-instruct-v0.1": {"input_price": 0.6, "output_price": 0.6}, "Mistralai/Mixtral-8x7B-Instruct-v0.1": {"input_price": 9, "output_price": 9}}',
    );
    expect(priceOf(table, 'Mistralai/Mixtral-8x7B-Instruct-v0.1')?.inputPer1M).toBe(9);
    expect(priceOf(table, 'other/MIXTRAL-8x7b-instruct-v0.1')?.inputPer1M).toBe(0.6);
    expect(priceOf(table, 'gpt-4')).toBeUndefined();
  });
});

describe(callCost.name, () => {
  const price = { inputPer1M: 1, outputPer1M: 3 };

  it('prices the given token counts', () => {
    expect(callCost('ignored', price, { prompt: 1000, completion: 2000 })).toBeCloseTo(0.007, 12);
  });

  it('estimates missing counts: 4 characters a token, a 256-token answer', () => {
    const query = 'x'.repeat(401);
    expect(estimatePromptTokens(query)).toBe(101);
    expect(estimatePromptTokens('')).toBe(1);
    expect(callCost(query, price)).toBeCloseTo(
      (101 * 1 + TOKEN_ESTIMATE.answerTokens * 3) / 1e6,
      15,
    );
  });
});

describe(withEstimatedCosts.name, () => {
  const matrix: ScoreMatrix = {
    queries: ['abcd', 'efghijkl'],
    candidates: ['cheap', 'unpriced'],
    scores: new Float64Array([1, 0, 0, 1]),
    costs: new Float64Array([NaN, 0.5, NaN, NaN]),
  };

  it('fills unknown costs of priced candidates and keeps known ones', () => {
    const table = parsePriceTable('{"cheap": {"input_price": 2, "output_price": 2}}');
    const costs = withEstimatedCosts(matrix, table).costs!;
    expect(costs[0]).toBeCloseTo((1 + 256) * 2e-6, 15);
    expect(costs[1]).toBe(0.5);
    expect(costs[2]).toBeCloseTo((2 + 256) * 2e-6, 15);
    expect(costs[3]).toBeNaN();
    expect(matrix.costs![0]).toBeNaN();
  });

  it('returns the matrix unchanged when no cost can be known', () => {
    const bare = { ...matrix, costs: undefined };
    expect(withEstimatedCosts(bare, new Map())).toBe(bare);
  });
});

describe(candidateFacts.name, () => {
  it('gives USD per 1k tokens (input and output averaged) and size, undefined when unpriced', () => {
    const table = parsePriceTable('{"a": {"input_price": 1, "output_price": 3, "size": "7B"}}');
    expect(candidateFacts(['a', 'b'], table)).toEqual([
      { costPer1k: 0.002, size: 7 },
      { costPer1k: undefined, size: undefined },
    ]);
  });
});
