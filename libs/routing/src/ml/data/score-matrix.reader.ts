import { type JsonRecord, optionalString, readJsonRecords, scoreValue } from './json-records';
import { callCost, priceOf, type PriceTable } from './price-table';
import { type Dataset, ScoreMatrixBuilder } from './score-matrix.builder';

function queryOf(record: JsonRecord): string {
  const value = record.fields.query ?? record.fields.question;
  if (typeof value !== 'string' || value.length === 0) {
    throw new RangeError(`${record.at}: "query" (or "question") is not a non-empty string`);
  }
  return value;
}

function scoresOf(record: JsonRecord): Readonly<Record<string, unknown>> {
  const scores = record.fields.scores;
  if (typeof scores !== 'object' || scores === null || Array.isArray(scores)) {
    throw new RangeError(`${record.at}: "scores" is not an object of model scores`);
  }
  return scores as Record<string, unknown>;
}

/**
 * Reads a per-query score matrix: JSON lines `{query, scores: {model: score}, task_name?}` (the
 * LLMRouter `routing_matrix.jsonl` shape; other fields are ignored) or a JSON array of
 * `{question, scores}` (LLMRouter's dcrouter files). A null score is unknown (NaN). `task_name`
 * becomes the query's group. With `prices`, each known score gets an estimated call cost.
 * @throws RangeError naming the line or element that is malformed.
 */
export function readScoreMatrix(text: string, prices?: PriceTable): Dataset {
  const builder = new ScoreMatrixBuilder();
  for (const record of readJsonRecords(text)) {
    const query = queryOf(record);
    builder.addRow(query, optionalString(record, 'task_name'));
    for (const [candidate, raw] of Object.entries(scoresOf(record))) {
      const score = scoreValue(raw, record.at, candidate);
      builder.declareCandidate(candidate);
      if (score === undefined) continue;
      const price = prices && priceOf(prices, candidate);
      builder.observe(query, candidate, score, price ? callCost(query, price) : undefined);
    }
  }
  return builder.build();
}
