import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { readJsonRecords } from './json-records';
import { readLongFormat } from './long-format.reader';
import { parsePriceTable, type PriceTable } from './price-table';
import { readContaminatedPrompts, readRouteLlmCsv } from './routellm-csv.reader';
import type { Dataset } from './score-matrix.builder';
import { readScoreMatrix } from './score-matrix.reader';

/** Data formats `routeiq train|eval --format` accepts. */
export const DATASET_FORMATS = ['auto', 'score-matrix', 'llmrouter-long', 'routellm-csv'] as const;
export type DatasetFormat = (typeof DATASET_FORMATS)[number];

export interface DatasetOptions {
  /** Default `auto`: a directory or `.csv` is RouteLLM CSV; JSON is told apart by its first record. */
  readonly format?: DatasetFormat;
  /** Prices file (LLMRouter `default_llm.json` shape), for estimated per-call costs. */
  readonly pricesPath?: string;
  /** RouteLLM `contaminated_prompts.jsonl`: rows with these prompts are dropped. */
  readonly excludePath?: string;
}

export interface LoadedDataset extends Dataset {
  readonly format: Exclude<DatasetFormat, 'auto'>;
  readonly prices?: PriceTable;
}

function isDirectory(path: string): boolean {
  return statSync(path).isDirectory();
}

function csvSources(path: string): { name: string; text: string }[] {
  const files = isDirectory(path)
    ? readdirSync(path)
        .filter((name) => extname(name).toLowerCase() === '.csv')
        .sort()
        .map((name) => join(path, name))
    : [path];
  if (files.length === 0) throw new RangeError(`${path}: no .csv files`);
  return files.map((file) => ({ name: basename(file), text: readFileSync(file, 'utf8') }));
}

/** `llmrouter-long` when the first record has `model_name`, else `score-matrix`. */
function jsonFormat(text: string): 'score-matrix' | 'llmrouter-long' {
  const trimmed = text.trimStart();
  const end = trimmed.indexOf('\n');
  const head = trimmed.startsWith('[') || end === -1 ? trimmed : trimmed.slice(0, end);
  const first = readJsonRecords(head)[0];
  if (first === undefined) throw new RangeError('the data file is empty');
  return 'model_name' in first.fields ? 'llmrouter-long' : 'score-matrix';
}

/** Runs `read`, prefixing a data error with the file it is about. */
function about<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof RangeError || error instanceof SyntaxError) {
      throw new RangeError(`${path}: ${error.message}`);
    }
    throw error;
  }
}

/**
 * Reads a data file (or a directory of RouteLLM CSVs) into a deduplicated `ScoreMatrix`.
 * @throws RangeError naming the file and what is malformed, or a node:fs error (missing file).
 */
export function loadDataset(path: string, options: DatasetOptions = {}): LoadedDataset {
  const { pricesPath, excludePath } = options;
  const prices = pricesPath
    ? about(pricesPath, () => parsePriceTable(readFileSync(pricesPath, 'utf8')))
    : undefined;
  let format = options.format ?? 'auto';
  if (format === 'auto' && (isDirectory(path) || extname(path).toLowerCase() === '.csv')) {
    format = 'routellm-csv';
  }
  if (format === 'routellm-csv') {
    const exclude = excludePath
      ? about(excludePath, () => readContaminatedPrompts(readFileSync(excludePath, 'utf8')))
      : new Set<string>();
    return {
      ...about(path, () => readRouteLlmCsv(csvSources(path), exclude, prices)),
      format,
      prices,
    };
  }
  if (excludePath) throw new RangeError('an exclude list applies to RouteLLM CSV data only');
  const text = readFileSync(path, 'utf8');
  return about(path, () => {
    const resolved = format === 'auto' ? jsonFormat(text) : format;
    const dataset =
      resolved === 'llmrouter-long' ? readLongFormat(text, prices) : readScoreMatrix(text, prices);
    return { ...dataset, format: resolved, prices };
  });
}
