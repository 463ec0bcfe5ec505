import { parseCsv } from './csv.parser';
import { readJsonRecords, stringField } from './json-records';
import { callCost, priceOf, type PriceTable } from './price-table';
import { type Dataset, ScoreMatrixBuilder } from './score-matrix.builder';

/** One RouteLLM responses CSV: its file name (the group, e.g. the MMLU subject) and text. */
export interface CsvSource {
  readonly name: string;
  readonly text: string;
}

/** The `eval_prompt`s of RouteLLM's `contaminated_prompts.jsonl`: prompts also in its training data. */
export function readContaminatedPrompts(text: string): Set<string> {
  return new Set(readJsonRecords(text).map((record) => stringField(record, 'eval_prompt')));
}

function correctness(value: string, at: string, column: string): number | undefined {
  const text = value.trim().toLowerCase();
  if (text === 'true' || text === '1' || text === '1.0') return 1;
  if (text === 'false' || text === '0' || text === '0.0') return 0;
  if (text === '') return undefined;
  throw new RangeError(`${at}: ${JSON.stringify(column)} is not True or False`);
}

/** `mmlu_anatomy.csv` → `anatomy`; `gsm8k_responses.csv` → `gsm8k`. */
export function csvGroupName(fileName: string): string {
  const base = fileName.slice(fileName.lastIndexOf('/') + 1).replace(/\.csv$/i, '');
  if (base.startsWith('mmlu_')) return base.slice('mmlu_'.length);
  return base.replace(/_responses$/, '');
}

function readOne(
  builder: ScoreMatrixBuilder,
  source: CsvSource,
  drop: ReadonlySet<string>,
  prices?: PriceTable,
): void {
  const [header, ...rows] = parseCsv(source.text);
  const promptColumn = header?.indexOf('prompt') ?? -1;
  if (!header || promptColumn === -1) throw new RangeError(`${source.name}: no "prompt" column`);
  // Every other column is a model's correctness, except the models' full answers (`<model>_response`).
  const models = header
    .map((name, column) => ({ name, column }))
    .filter(({ name, column }) => column !== promptColumn && !name.endsWith('_response'));
  if (models.length === 0) throw new RangeError(`${source.name}: no model columns`);
  const modelPrices = models.map(({ name }) => (prices ? priceOf(prices, name) : undefined));
  models.forEach(({ name }) => builder.declareCandidate(name));
  const group = csvGroupName(source.name);
  rows.forEach((row, i) => {
    const at = `${source.name} record ${i + 2}`;
    if (row.length !== header.length) {
      throw new RangeError(`${at}: ${row.length} fields, the header has ${header.length}`);
    }
    const prompt = row[promptColumn]!;
    if (drop.has(prompt)) return builder.drop();
    builder.addRow(prompt, group);
    models.forEach(({ name, column }, m) => {
      const score = correctness(row[column]!, at, name);
      const price = modelPrices[m];
      if (score !== undefined)
        builder.observe(prompt, name, score, price && callCost(prompt, price));
    });
  });
}

/**
 * Reads RouteLLM response CSVs (a prompt column and one True/False correctness column per model;
 * `<model>_response` text columns are ignored). Rows whose prompt is in `contaminated` are dropped
 * (RouteLLM's decontamination). Each file's name is its rows' group.
 * @throws RangeError naming the file and record that is malformed.
 */
export function readRouteLlmCsv(
  sources: readonly CsvSource[],
  contaminated: ReadonlySet<string> = new Set(),
  prices?: PriceTable,
): Dataset {
  const builder = new ScoreMatrixBuilder();
  for (const source of sources) readOne(builder, source, contaminated, prices);
  return builder.build();
}
