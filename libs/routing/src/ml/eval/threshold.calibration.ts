/**
 * The threshold under which `strongPct`% of these strong-win scores (q̂[strong] − q̂[weak]) go
 * strong (`gap ≥ threshold`): midway between the last score in and the first score out, so a
 * score a hair off either way routes the same. Ties at the boundary all go strong, so the share
 * can exceed the target when many scores are equal.
 * @throws RangeError when there are no scores or `strongPct` is outside [0, 100].
 */
export function calibrateThreshold(scores: Float64Array, strongPct: number): number {
  if (!(strongPct >= 0 && strongPct <= 100))
    throw new RangeError('strong-pct must be a number from 0 to 100');
  const finite = Float64Array.from(scores.filter((s) => Number.isFinite(s)))
    .sort()
    .reverse();
  if (finite.length === 0) throw new RangeError('no scores to calibrate on');
  const k = Math.round((finite.length * strongPct) / 100);
  if (k >= finite.length) return finite[finite.length - 1]!;
  const firstOut = finite[k]!;
  if (k === 0) return firstOut + Math.max(Math.abs(firstOut) * 1e-9, 1e-9);
  const lastIn = finite[k - 1]!;
  return lastIn === firstOut ? lastIn : (lastIn + firstOut) / 2;
}

/** Share of scores at or above `threshold`. */
export function strongShare(scores: Float64Array, threshold: number): number {
  let count = 0;
  for (const score of scores) if (score >= threshold) count++;
  return scores.length === 0 ? 0 : count / scores.length;
}
