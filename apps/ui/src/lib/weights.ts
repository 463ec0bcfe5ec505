import { parseOptionalNumber } from './form-validation';

/** The registry's cap on one weight (weights are relative shares, not percentages). */
export const MAX_STRATEGY_WEIGHT = 1_000_000;

/**
 * The weights form as `POST /strategy/weights` wants it: every strategy's weight (empty is 0),
 * each from 0 to the cap, at least one above 0.
 */
export function parseWeights(
  typed: Readonly<Record<string, string>>,
):
  | { weights: Record<string, number>; errors: null }
  | { weights: null; errors: Record<string, string> } {
  const weights: Record<string, number> = {};
  const errors: Record<string, string> = {};
  for (const [name, text] of Object.entries(typed)) {
    const parsed = parseOptionalNumber(text, { max: MAX_STRATEGY_WEIGHT });
    if (parsed.ok) weights[name] = parsed.value ?? 0;
    else errors[name] = parsed.error;
  }
  if (Object.keys(errors).length > 0) return { weights: null, errors };
  if (!Object.values(weights).some((w) => w > 0)) {
    return { weights: null, errors: { '': 'Give at least one strategy a weight above 0' } };
  }
  return { weights, errors: null };
}

/** Each weight's share of the total, 0 to 1. */
export function shares(weights: Readonly<Record<string, number>>): Record<string, number> {
  const total = Object.values(weights).reduce((a, b) => a + b, 0);
  return Object.fromEntries(
    Object.entries(weights).map(([name, w]) => [name, total > 0 ? w / total : 0]),
  );
}
