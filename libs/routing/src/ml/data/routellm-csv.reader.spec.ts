import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePriceTable } from './price-table';
import { csvGroupName, readContaminatedPrompts, readRouteLlmCsv } from './routellm-csv.reader';

const FIXTURES = join(__dirname, '__fixtures__');
const source = (path: string) => ({ name: path, text: readFileSync(join(FIXTURES, path), 'utf8') });
const GPT4 = 'gpt-4-1106-preview';
const MIXTRAL = 'mistralai/Mixtral-8x7B-Instruct-v0.1';

describe(readRouteLlmCsv.name, () => {
  it('reads MMLU subjects as groups, with True/False correctness of both models', () => {
    const files = readdirSync(join(FIXTURES, 'routellm-mmlu')).map((f) =>
      source(`routellm-mmlu/${f}`),
    );
    const { matrix, stats } = readRouteLlmCsv(files);
    expect(matrix.candidates).toEqual([GPT4, MIXTRAL]);
    expect(stats.rows).toBe(120);
    expect(matrix.queries.length).toBe(120 - stats.duplicateQueries);
    expect(new Set(matrix.groups)).toEqual(new Set(['anatomy', 'high_school_mathematics']));
    expect(matrix.queries[0]).toMatch(
      /^A lesion causing compression of the facial nerve[\s\S]*\nAnswer:$/,
    );
    expect([...matrix.scores.subarray(0, 2)]).toEqual([1, 1]);
    expect([...matrix.scores].every((s) => s === 0 || s === 1 || s === 0.5)).toBe(true);
  });

  it('drops contaminated prompts and ignores the *_response answer columns', () => {
    const gsm8k = source('routellm-gsm8k.csv');
    const contaminated = readContaminatedPrompts(
      readFileSync(join(FIXTURES, 'routellm-gsm8k-contaminated.jsonl'), 'utf8'),
    );
    expect(contaminated.size).toBe(4);
    const { matrix, stats } = readRouteLlmCsv([gsm8k], contaminated);
    expect(stats).toEqual({ rows: 50, dropped: 4, duplicateQueries: 0 });
    expect(matrix.queries).toHaveLength(46);
    expect(matrix.candidates).toEqual([GPT4, MIXTRAL]);
    for (const prompt of contaminated) expect(matrix.queries).not.toContain(prompt);
    expect(matrix.groups![0]).toBe('routellm-gsm8k');
  });

  it('prices calls when the prices file names the models', () => {
    const prices = parsePriceTable(
      '{"gpt-4-1106-preview": {"input_price": 10, "output_price": 30}}',
    );
    const { matrix } = readRouteLlmCsv([source('routellm-gsm8k.csv')], new Set(), prices);
    expect(matrix.costs![0]).toBeGreaterThan(0);
    expect(matrix.costs![1]).toBeNaN();
  });

  it('refuses a file without a prompt column, short rows and non-boolean cells', () => {
    expect(() => readRouteLlmCsv([{ name: 'x.csv', text: 'q,a\n1,True\n' }])).toThrow(
      'x.csv: no "prompt" column',
    );
    expect(() => readRouteLlmCsv([{ name: 'x.csv', text: 'prompt\nhi\n' }])).toThrow(
      'x.csv: no model columns',
    );
    expect(() => readRouteLlmCsv([{ name: 'x.csv', text: 'prompt,a,b\nhi,True\n' }])).toThrow(
      'x.csv record 2: 2 fields, the header has 3',
    );
    expect(() => readRouteLlmCsv([{ name: 'x.csv', text: 'prompt,a\nhi,maybe\n' }])).toThrow(
      'x.csv record 2: "a" is not True or False',
    );
  });
});

describe(csvGroupName.name, () => {
  it('names MMLU subjects and GSM8K', () => {
    expect(csvGroupName('responses/mmlu_college_physics.csv')).toBe('college_physics');
    expect(csvGroupName('gsm8k_responses.csv')).toBe('gsm8k');
  });
});
