import {
  optionalNumber,
  optionalString,
  readJsonRecords,
  scoreValue,
  stringField,
} from './json-records';
import { callCost, priceOf, type PriceTable } from './price-table';
import { type Dataset, ScoreMatrixBuilder } from './score-matrix.builder';

/**
 * Reads LLMRouter's long routing format: JSON lines, one per (query, model) pair,
 * `{query, model_name, performance, prompt_tokens?, completion_tokens?, cost?, task_name?}`,
 * pivoted into one row per query. A row's `cost` (USD) wins; else, with `prices`, the cost is the
 * list price × the row's token counts (estimated when absent: `TOKEN_ESTIMATE`).
 * @throws RangeError naming the line that is malformed.
 */
export function readLongFormat(text: string, prices?: PriceTable): Dataset {
  const builder = new ScoreMatrixBuilder();
  for (const record of readJsonRecords(text)) {
    const query = stringField(record, 'query');
    const candidate = stringField(record, 'model_name');
    const score = scoreValue(record.fields.performance, record.at, 'performance');
    builder.addRow(query, optionalString(record, 'task_name'));
    builder.declareCandidate(candidate);
    if (score === undefined) continue;
    const tokens = {
      prompt: optionalNumber(record, 'prompt_tokens'),
      completion: optionalNumber(record, 'completion_tokens'),
    };
    const price = prices && priceOf(prices, candidate);
    const cost =
      optionalNumber(record, 'cost') ?? (price ? callCost(query, price, tokens) : undefined);
    builder.observe(query, candidate, score, cost);
  }
  return builder.build();
}
