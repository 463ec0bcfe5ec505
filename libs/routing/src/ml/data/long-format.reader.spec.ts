import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readLongFormat } from './long-format.reader';
import { callCost, parsePriceTable } from './price-table';
import { readScoreMatrix } from './score-matrix.reader';

const fixture = (name: string): string =>
  readFileSync(join(__dirname, '__fixtures__', name), 'utf8');

describe(readLongFormat.name, () => {
  it('pivots (query, model_name, performance) rows into the same matrix as the wide file', () => {
    const { matrix, stats } = readLongFormat(fixture('llmrouter-long.jsonl'));
    expect(stats.rows).toBe(24 * 9);
    expect(matrix.queries).toHaveLength(24);
    const wide = readScoreMatrix(fixture('llmrouter-matrix.jsonl')).matrix;
    expect(matrix.candidates).toEqual(wide.candidates);
    matrix.queries.forEach((query, q) => {
      const w = wide.queries.indexOf(query);
      expect(w).toBeGreaterThanOrEqual(0);
      expect([...matrix.scores.subarray(q * 9, q * 9 + 9)]).toEqual([
        ...wide.scores.subarray(w * 9, w * 9 + 9),
      ]);
      expect(matrix.groups![q]).toBe(wide.groups![w]);
    });
  });

  it('takes a row cost, else prices its token counts, else estimates them', () => {
    const prices = parsePriceTable(fixture('llmrouter-prices.json'));
    const { matrix } = readLongFormat(fixture('llmrouter-long.jsonl'), prices);
    const query = matrix.queries[0]!;
    const costs = matrix.costs!;
    const [codegemma, gemma, llama] = [0, 1, 2];
    expect(matrix.candidates[codegemma]).toBe('codegemma-7b');
    expect(costs[codegemma]).toBeCloseTo(
      callCost(query, prices.get('codegemma-7b')!, { prompt: 100, completion: 50 }),
      15,
    );
    expect(costs[gemma]).toBe(0.0005);
    expect(costs[llama]).toBeCloseTo(callCost(query, prices.get('llama-3.1-8b-instruct')!), 15);
  });

  it('leaves costs out without prices or row costs, and averages a repeated pair', () => {
    const text = [
      '{"query": "q", "model_name": "m", "performance": 1}',
      '{"query": "q", "model_name": "m", "performance": 0}',
      '{"query": "q", "model_name": "n", "performance": null}',
    ].join('\n');
    const { matrix, stats } = readLongFormat(text);
    expect(matrix.candidates).toEqual(['m', 'n']);
    expect([...matrix.scores]).toEqual([0.5, NaN]);
    expect(matrix.costs).toBeUndefined();
    expect(stats.duplicateQueries).toBe(1);
  });

  it('refuses rows without a model, with bad performance, tokens or cost', () => {
    expect(() => readLongFormat('{"query": "q", "performance": 1}')).toThrow(
      'line 1: "model_name"',
    );
    expect(() => readLongFormat('{"query": "q", "model_name": "m", "performance": -0.1}')).toThrow(
      'line 1: score "performance" is not a number in [0, 1]',
    );
    expect(() =>
      readLongFormat('{"query": "q", "model_name": "m", "performance": 1, "prompt_tokens": "9"}'),
    ).toThrow('line 1: "prompt_tokens" is not a non-negative number');
    expect(() =>
      readLongFormat('{"query": "q", "model_name": "m", "performance": 1, "cost": -2}'),
    ).toThrow('line 1: "cost" is not a non-negative number');
  });
});
