import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePriceTable } from './price-table';
import { readScoreMatrix } from './score-matrix.reader';

const fixture = (name: string): string =>
  readFileSync(join(__dirname, '__fixtures__', name), 'utf8');

describe(readScoreMatrix.name, () => {
  it('reads the LLMRouter routing matrix, merging the train/test duplicate', () => {
    const { matrix, stats } = readScoreMatrix(fixture('llmrouter-matrix.jsonl'));
    expect(stats).toEqual({ rows: 142, dropped: 0, duplicateQueries: 1 });
    expect(matrix.queries).toHaveLength(141);
    expect(matrix.candidates).toHaveLength(9);
    expect(matrix.candidates).toEqual([...matrix.candidates].sort());
    expect(new Set(matrix.groups).size).toBe(14);
    expect(matrix.groups).toHaveLength(141);
    expect(matrix.costs).toBeUndefined();
    // The duplicated gpqa query: its train and test rows disagree on some model; the mean is kept.
    const lines = fixture('llmrouter-matrix.jsonl').trim().split('\n');
    const train = JSON.parse(lines[lines.length - 2]!);
    const test = JSON.parse(lines[lines.length - 1]!);
    const q = matrix.queries.indexOf(test.query);
    matrix.candidates.forEach((candidate, c) => {
      const mean = (train.scores[candidate] + test.scores[candidate]) / 2;
      expect(matrix.scores[q * 9 + c]).toBe(mean);
    });
  });

  it('reads the dcrouter JSON array ({question, scores}) and prices each call', () => {
    const prices = parsePriceTable(fixture('llmrouter-prices.json'));
    const { matrix } = readScoreMatrix(fixture('dcrouter-scores.json'), prices);
    expect(matrix.queries).toHaveLength(12);
    expect(matrix.groups).toBeUndefined();
    const gemma = matrix.candidates.indexOf('gemma-2-9b-it');
    const nemotron = matrix.candidates.indexOf('llama-3.1-nemotron-51b-instruct');
    expect(matrix.costs![nemotron]! / matrix.costs![gemma]!).toBeCloseTo(9, 9);
  });

  it('keeps null scores as unknown and accepts true/false', () => {
    const text =
      '{"query": "a", "scores": {"m1": null, "m2": true}}\n\n{"query": "b", "scores": {"m1": 0.5, "m2": false}}\n';
    const { matrix } = readScoreMatrix(text);
    expect([...matrix.scores]).toEqual([NaN, 1, 0.5, 0]);
  });

  it('refuses malformed rows, naming the line or element', () => {
    expect(() => readScoreMatrix('{"query": "a", "scores": {"m": 1}}\n{"query": "b"}')).toThrow(
      'line 2: "scores" is not an object of model scores',
    );
    expect(() => readScoreMatrix('{"scores": {"m": 1}}')).toThrow(
      'line 1: "query" (or "question")',
    );
    expect(() => readScoreMatrix('{"query": "a", "scores": {"m": 2}}')).toThrow(
      'line 1: score "m" is not a number in [0, 1]',
    );
    expect(() => readScoreMatrix('{"query": "a", "scores": {"m": "1"}}')).toThrow(RangeError);
    expect(() => readScoreMatrix('{"query": "a"')).toThrow(/^line 1: /);
    expect(() => readScoreMatrix('[{"question": "a", "scores": {}}, 7]')).toThrow(
      'element 1: not a JSON object',
    );
    expect(() => readScoreMatrix('[1,')).toThrow(/^JSON array: /);
    expect(() => readScoreMatrix('')).toThrow('the data has no queries');
  });
});
