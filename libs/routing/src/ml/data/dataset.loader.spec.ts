import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadDataset } from './dataset.loader';

const FIXTURES = join(__dirname, '__fixtures__');

describe(loadDataset.name, () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'routeiq-data-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('tells the formats apart: wide JSONL, long JSONL, JSON array, CSV file and CSV directory', () => {
    expect(loadDataset(join(FIXTURES, 'llmrouter-matrix.jsonl')).format).toBe('score-matrix');
    expect(loadDataset(join(FIXTURES, 'llmrouter-long.jsonl')).format).toBe('llmrouter-long');
    expect(loadDataset(join(FIXTURES, 'dcrouter-scores.json')).format).toBe('score-matrix');
    expect(loadDataset(join(FIXTURES, 'routellm-gsm8k.csv')).format).toBe('routellm-csv');
    const mmlu = loadDataset(join(FIXTURES, 'routellm-mmlu'));
    expect(mmlu.format).toBe('routellm-csv');
    expect(mmlu.stats.rows).toBe(120);
  });

  it('applies prices and the exclude list', () => {
    const priced = loadDataset(join(FIXTURES, 'llmrouter-matrix.jsonl'), {
      pricesPath: join(FIXTURES, 'llmrouter-prices.json'),
    });
    expect(priced.matrix.costs).toHaveLength(141 * 9);
    expect(priced.prices?.size).toBe(9);
    const excluded = loadDataset(join(FIXTURES, 'routellm-gsm8k.csv'), {
      excludePath: join(FIXTURES, 'routellm-gsm8k-contaminated.jsonl'),
    });
    expect(excluded.stats.dropped).toBe(4);
  });

  it('honours an explicit format, and refuses mismatches, empty files and exclude lists on JSON', () => {
    const file = join(dir, 'data.jsonl');
    writeFileSync(file, '\n{"query": "q", "scores": {"m": 1}}\n');
    expect(loadDataset(file).format).toBe('score-matrix');
    expect(() => loadDataset(file, { format: 'llmrouter-long' })).toThrow(
      `${file}: line 2: "model_name"`,
    );
    const prices = join(dir, 'prices.json');
    writeFileSync(prices, '{"m": {"input_price": 1}}');
    expect(() => loadDataset(file, { pricesPath: prices })).toThrow(
      `${prices}: output_price of "m"`,
    );
    writeFileSync(prices, '{');
    expect(() => loadDataset(file, { pricesPath: prices })).toThrow(new RegExp(`^${prices}: `));
    writeFileSync(file, '  \n');
    expect(() => loadDataset(file)).toThrow('the data file is empty');
    expect(() => loadDataset(file, { excludePath: file })).toThrow('RouteLLM CSV data only');
    expect(() => loadDataset(dir)).toThrow('no .csv files');
    expect(() => loadDataset(join(dir, 'missing.jsonl'))).toThrow(/ENOENT/);
  });
});
