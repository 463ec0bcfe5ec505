import type { CandidateFacts } from '../ml.types';

/** Predicted qualities closer than this are a tie (kNN averages of 0/1 scores tie exactly). */
export const QUALITY_TIE = 1e-9;

/**
 * A numeric `routing_strategy_args` entry: `fallback` when absent; a number or numeric string
 * (an `os.environ/` value) otherwise.
 * @throws RangeError when present but not a finite number at least `min`.
 */
export function numberArg(
  args: Readonly<Record<string, unknown>>,
  name: string,
  fallback: number,
  min = -Infinity,
): number {
  const raw = args[name];
  if (raw === undefined || raw === null) return fallback;
  const value = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new RangeError(
      `routing_strategy_args.${name} must be a number${min > -Infinity ? ` ≥ ${min}` : ''}`,
    );
  }
  return value;
}

/** Ordering for ties: known cost before unknown, cheaper, then smaller, then lower index. */
export function cheaper(facts: readonly CandidateFacts[], a: number, b: number): boolean {
  const costA = facts[a]?.costPer1k;
  const costB = facts[b]?.costPer1k;
  if (costA !== costB) {
    if (costA === undefined) return false;
    if (costB === undefined) return true;
    return costA < costB;
  }
  const sizeA = facts[a]?.size ?? Infinity;
  const sizeB = facts[b]?.size ?? Infinity;
  return sizeA !== sizeB ? sizeA < sizeB : a < b;
}

/**
 * The measure of "how big" a candidate is among `indices`: its size when more of them have a size
 * than a cost, else its cost. Undefined for a candidate lacking that measure.
 */
export function scaleOf(
  facts: readonly CandidateFacts[],
  indices: readonly number[],
): (i: number) => number | undefined {
  let sizes = 0;
  let costs = 0;
  for (const i of indices) {
    if (facts[i]?.size !== undefined) sizes++;
    if (facts[i]?.costPer1k !== undefined) costs++;
  }
  return sizes >= costs ? (i) => facts[i]?.size : (i) => facts[i]?.costPer1k;
}

/**
 * The smallest (or largest) of `indices` by size, else cost (`scaleOf`). Candidates without the
 * measure come last either way; ties go to the cheaper. -1 when `indices` is empty.
 */
export function extremeBySize(
  facts: readonly CandidateFacts[],
  indices: readonly number[],
  largest: boolean,
): number {
  const scale = scaleOf(facts, indices);
  const beats = (i: number, best: number): boolean => {
    const s = scale(i);
    const t = scale(best);
    if (s === undefined || t === undefined)
      return s !== t ? s !== undefined : cheaper(facts, i, best);
    if (s !== t) return largest ? s > t : s < t;
    return cheaper(facts, i, best);
  };
  let best = -1;
  for (const i of indices) if (best === -1 || beats(i, best)) best = i;
  return best;
}

/** Indices of the candidates that are available and have a usable (non-NaN) prediction. */
export function choosable(predicted: Float64Array, available: readonly boolean[]): number[] {
  const out: number[] = [];
  for (let i = 0; i < predicted.length; i++) {
    if (available[i] === true && !Number.isNaN(predicted[i]!)) out.push(i);
  }
  return out;
}

/** Two decimals, for reasons: enough to explain a choice, nothing about the prompt. */
export const fmt = (value: number): string => value.toFixed(2);
