/**
 * Bradley–Terry ratings from pairwise outcomes: P(i beats j) = sigmoid(r_i − r_j). Fitted with
 * Hunter's MM algorithm; a prior of `priorGames` virtual wins and as many losses against a virtual
 * opponent rated `prior[i]` keeps every rating finite (a candidate that never wins) and shrinks
 * ratings with little evidence toward the prior.
 */

/** Scores closer than this are a tie (half a win each). */
const TIE_TOLERANCE = 1e-9;

/**
 * Adds the pairwise outcomes of query `q` to `wins` (`wins[i * width + j]`: times i beat j):
 * a win when one candidate's score exceeds the other's, half each on a tie; unknown scores add
 * nothing.
 */
export function addPairwiseOutcomes(
  scores: Float64Array,
  q: number,
  width: number,
  wins: Float64Array,
): void {
  const base = q * width;
  for (let i = 0; i < width; i++) {
    const si = scores[base + i]!;
    if (Number.isNaN(si)) continue;
    for (let j = i + 1; j < width; j++) {
      const sj = scores[base + j]!;
      if (Number.isNaN(sj)) continue;
      if (si > sj + TIE_TOLERANCE) wins[i * width + j] = wins[i * width + j]! + 1;
      else if (sj > si + TIE_TOLERANCE) wins[j * width + i] = wins[j * width + i]! + 1;
      else {
        wins[i * width + j] = wins[i * width + j]! + 0.5;
        wins[j * width + i] = wins[j * width + i]! + 0.5;
      }
    }
  }
}

/** Ratings (natural log-odds units) maximising the likelihood of `wins` under the prior. */
export function fitBradleyTerry(
  wins: Float64Array,
  width: number,
  prior: Float64Array,
  priorGames: number,
  iterations: number,
): Float64Array {
  const strength = prior.map(Math.exp);
  const priorStrength = prior.map(Math.exp);
  const next = new Float64Array(width);
  for (let iteration = 0; iteration < iterations; iteration++) {
    let change = 0;
    for (let i = 0; i < width; i++) {
      let won = priorGames;
      let denominator = (2 * priorGames) / (strength[i]! + priorStrength[i]!);
      for (let j = 0; j < width; j++) {
        if (j === i) continue;
        const games = wins[i * width + j]! + wins[j * width + i]!;
        won += wins[i * width + j]!;
        if (games > 0) denominator += games / (strength[i]! + strength[j]!);
      }
      next[i] = won / denominator;
      change = Math.max(change, Math.abs(Math.log(next[i]! / strength[i]!)));
    }
    strength.set(next);
    if (change < 1e-10) break;
  }
  return strength.map(Math.log);
}
