/** Relative A/B weights by strategy name: `{ "simple-shuffle": 90, "least-busy": 10 }`. */
export type StrategyWeights = Readonly<Record<string, number>>;

/** Weights are relative shares, not percentages; the cap only keeps sums exact in doubles. */
export const MAX_STRATEGY_WEIGHT = 1_000_000;

/** True for a finite number in [0, MAX_STRATEGY_WEIGHT]. */
export function isStrategyWeight(value: unknown): value is number {
  return (
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= 0 &&
    value <= MAX_STRATEGY_WEIGHT
  );
}

/** A strategy name as it may appear in messages: quoted and cut short. */
export function quoteName(name: string): string {
  return JSON.stringify(name.length > 64 ? `${name.slice(0, 64)}…` : name);
}

/**
 * Why `value` is not a weight map (an object of strategy name → weight, at least one above 0), or
 * undefined when it is one. Names are not checked here: see {@link unknownStrategyNames}.
 */
export function weightsProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'must be a JSON object of strategy name to weight';
  }
  const entries = Object.entries(value);
  if (entries.length === 0) return 'must name at least one strategy';
  for (const [name, weight] of entries) {
    if (!isStrategyWeight(weight)) {
      return `the weight of ${quoteName(name)} must be a number from 0 to ${MAX_STRATEGY_WEIGHT}`;
    }
  }
  if (entries.every(([, weight]) => weight === 0)) return 'at least one weight must be above 0';
  return undefined;
}
