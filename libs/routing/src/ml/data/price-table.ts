import type { CandidateFacts, ScoreMatrix } from '../ml.types';

/** A candidate's list price and size, from a prices file like LLMRouter's `default_llm.json`. */
export interface CandidatePrice {
  /** USD per 1M input tokens. */
  readonly inputPer1M: number;
  /** USD per 1M output tokens. */
  readonly outputPer1M: number;
  /** Parameters in billions (`"7B"` → 7), when the file says. */
  readonly size?: number;
}

export type PriceTable = ReadonlyMap<string, CandidatePrice>;

/**
 * How many tokens a call is assumed to take when the data has no token counts (LLMRouter's
 * published matrix has none): the query at ~4 characters per token (the usual English BPE ratio),
 * plus a typical answer of 256 tokens. Only relative costs matter to the evaluation (cost vs the
 * best single model), and those depend on the prices and the query-length spread, not on this
 * constant's exact value.
 */
export const TOKEN_ESTIMATE = { charsPerToken: 4, answerTokens: 256 } as const;

export function estimatePromptTokens(query: string): number {
  return Math.max(1, Math.ceil(query.length / TOKEN_ESTIMATE.charsPerToken));
}

/** Token counts a row may carry; missing counts are estimated (`TOKEN_ESTIMATE`). */
export interface TokenCounts {
  readonly prompt?: number;
  readonly completion?: number;
}

/** USD of one call: list prices × (prompt tokens + answer tokens). */
export function callCost(query: string, price: CandidatePrice, tokens: TokenCounts = {}): number {
  const prompt = tokens.prompt ?? estimatePromptTokens(query);
  const completion = tokens.completion ?? TOKEN_ESTIMATE.answerTokens;
  return (prompt * price.inputPer1M + completion * price.outputPer1M) / 1e6;
}

function nonNegative(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new RangeError(`${what} is not a non-negative number`);
  }
  return value;
}

/** `"7B"` → 7, `"500M"` → 0.5, `12` → 12; anything else → undefined (size unknown). */
export function parseModelSize(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value > 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([BbMm]?)\s*$/.exec(value);
  if (!match) return undefined;
  const amount = Number(match[1]);
  return match[2]?.toLowerCase() === 'm' ? amount / 1000 : amount;
}

/**
 * Parses a prices file: a JSON object `{ <model name>: { input_price, output_price, size? } }`,
 * prices in USD per 1M tokens (LLMRouter's `default_llm.json`; other fields are ignored).
 * @throws RangeError on anything else.
 */
export function parsePriceTable(text: string): PriceTable {
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new RangeError('prices file is not a JSON object of models');
  }
  const table = new Map<string, CandidatePrice>();
  for (const [name, entry] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof entry !== 'object' || entry === null) {
      throw new RangeError(`prices of ${JSON.stringify(name)} are not an object`);
    }
    const fields = entry as Record<string, unknown>;
    const size = parseModelSize(fields.size);
    table.set(name, {
      inputPer1M: nonNegative(fields.input_price, `input_price of ${JSON.stringify(name)}`),
      outputPer1M: nonNegative(fields.output_price, `output_price of ${JSON.stringify(name)}`),
      ...(size === undefined ? {} : { size }),
    });
  }
  return table;
}

/** Lower case, without an `org/` prefix: `mistralai/Mixtral-8x7B` and `mixtral-8x7b` match. */
function normalisedName(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1).toLowerCase();
}

/** The price of `candidate`: its exact name first, else the same name without `org/` or case. */
export function priceOf(table: PriceTable, candidate: string): CandidatePrice | undefined {
  const exact = table.get(candidate);
  if (exact) return exact;
  const wanted = normalisedName(candidate);
  for (const [name, price] of table) if (normalisedName(name) === wanted) return price;
  return undefined;
}

/** Fills the costs the matrix lacks (NaN or absent) from list prices and estimated tokens. */
export function withEstimatedCosts(matrix: ScoreMatrix, table: PriceTable): ScoreMatrix {
  const m = matrix.candidates.length;
  const costs = matrix.costs
    ? Float64Array.from(matrix.costs)
    : new Float64Array(m * matrix.queries.length).fill(NaN);
  const prices = matrix.candidates.map((candidate) => priceOf(table, candidate));
  let known = 0;
  matrix.queries.forEach((query, q) => {
    prices.forEach((price, c) => {
      const at = q * m + c;
      if (Number.isNaN(costs[at]!) && price) costs[at] = callCost(query, price);
      if (!Number.isNaN(costs[at]!)) known++;
    });
  });
  return known === 0 ? matrix : { ...matrix, costs };
}

/** What decision rules know about each candidate: USD per 1k tokens (in/out averaged), size. */
export function candidateFacts(candidates: readonly string[], table: PriceTable): CandidateFacts[] {
  return candidates.map((candidate) => {
    const price = priceOf(table, candidate);
    return {
      costPer1k: price ? (price.inputPer1M + price.outputPer1M) / 2 / 1000 : undefined,
      size: price?.size,
    };
  });
}

/**
 * USD per 1k tokens of each candidate implied by the matrix's per-call costs (total cost over
 * total estimated tokens), for data that carries costs but no prices file. Undefined for a
 * candidate without any known cost.
 */
export function costsPer1kFromMatrix(matrix: ScoreMatrix): (number | undefined)[] {
  const m = matrix.candidates.length;
  return matrix.candidates.map((_, c) => {
    if (!matrix.costs) return undefined;
    let cost = 0;
    let tokens = 0;
    matrix.queries.forEach((query, q) => {
      const value = matrix.costs![q * m + c]!;
      if (Number.isNaN(value)) return;
      cost += value;
      tokens += estimatePromptTokens(query) + TOKEN_ESTIMATE.answerTokens;
    });
    return tokens > 0 ? (cost / tokens) * 1000 : undefined;
  });
}

/** Candidate facts from a prices file when given, else from the matrix's own costs. */
export function factsForMatrix(matrix: ScoreMatrix, table?: PriceTable): CandidateFacts[] {
  if (table) return candidateFacts(matrix.candidates, table);
  return costsPer1kFromMatrix(matrix).map((costPer1k) => ({ costPer1k, size: undefined }));
}
