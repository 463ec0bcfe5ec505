import type { ScoreMatrix } from '../ml.types';

/** What a reader did with its input, for the CLI's summary and the evaluation report. */
export interface DatasetStats {
  /** Records read (rows of the file, or pivoted long-format rows). */
  readonly rows: number;
  /** Rows dropped before building (e.g. contaminated prompts). */
  readonly dropped: number;
  /** Queries whose exact text occurred more than once and were merged. */
  readonly duplicateQueries: number;
}

export interface Dataset {
  readonly matrix: ScoreMatrix;
  readonly stats: DatasetStats;
}

interface Entry {
  group: string | undefined;
  readonly sums: Map<string, { score: number; scoreN: number; cost: number; costN: number }>;
}

/**
 * Collects per-query, per-candidate observations and builds a `ScoreMatrix`. Exact duplicate
 * queries (same text) are merged: each candidate's score (and cost) is the mean of its
 * observations, so a repeated query neither counts twice nor lands in two CV folds.
 */
export class ScoreMatrixBuilder {
  private readonly entries = new Map<string, Entry>();
  private readonly candidateSet = new Set<string>();
  private rows = 0;
  private dropped = 0;

  /** One record of input about `query` (its scores follow through `observe`). */
  addRow(query: string, group?: string): void {
    this.rows++;
    const entry = this.entry(query);
    entry.group ??= group;
  }

  /** A row that was read and then excluded. */
  drop(): void {
    this.rows++;
    this.dropped++;
  }

  /**
   * One candidate's score (and, when known, USD cost) on a query. Several observations of the
   * same pair are averaged.
   * @throws RangeError when the score is not a finite number in [0, 1] or the cost is negative.
   */
  observe(query: string, candidate: string, score: number, cost?: number): void {
    if (!Number.isFinite(score) || score < 0 || score > 1) {
      throw new RangeError(`score of ${JSON.stringify(candidate)} is not a number in [0, 1]`);
    }
    if (cost !== undefined && !(Number.isFinite(cost) && cost >= 0)) {
      throw new RangeError(`cost of ${JSON.stringify(candidate)} is not a non-negative number`);
    }
    if (candidate.length === 0) throw new RangeError('candidate name is empty');
    this.candidateSet.add(candidate);
    const sums = this.entry(query).sums;
    const sum = sums.get(candidate) ?? { score: 0, scoreN: 0, cost: 0, costN: 0 };
    sum.score += score;
    sum.scoreN++;
    if (cost !== undefined) {
      sum.cost += cost;
      sum.costN++;
    }
    sums.set(candidate, sum);
  }

  /** Declares a candidate even if no query has its score (its column is all NaN). */
  declareCandidate(candidate: string): void {
    if (candidate.length === 0) throw new RangeError('candidate name is empty');
    this.candidateSet.add(candidate);
  }

  /**
   * Candidates are sorted by name so every reader of the same data yields the same order.
   * @throws RangeError when there are no queries or no candidates.
   */
  build(): Dataset {
    const candidates = [...this.candidateSet].sort();
    if (this.entries.size === 0) throw new RangeError('the data has no queries');
    if (candidates.length === 0) throw new RangeError('the data has no candidates');
    // A query without a single known score teaches nothing and has no oracle.
    const queries = [...this.entries.keys()].filter(
      (query) => this.entries.get(query)!.sums.size > 0,
    );
    const dropped = this.dropped + this.entries.size - queries.length;
    if (queries.length === 0) throw new RangeError('the data has no scored queries');
    const m = candidates.length;
    const scores = new Float64Array(queries.length * m).fill(NaN);
    const costs = new Float64Array(queries.length * m).fill(NaN);
    const groups: string[] = [];
    let anyCost = false;
    let anyGroup = false;
    let duplicateQueries = 0;
    queries.forEach((query, q) => {
      const entry = this.entries.get(query)!;
      if ([...entry.sums.values()].some((sum) => sum.scoreN > 1)) duplicateQueries++;
      groups.push(entry.group ?? '');
      anyGroup ||= entry.group !== undefined;
      candidates.forEach((candidate, c) => {
        const sum = entry.sums.get(candidate);
        if (sum === undefined) return;
        scores[q * m + c] = sum.score / sum.scoreN;
        if (sum.costN > 0) {
          costs[q * m + c] = sum.cost / sum.costN;
          anyCost = true;
        }
      });
    });
    const matrix: ScoreMatrix = {
      queries,
      candidates,
      scores,
      ...(anyCost ? { costs } : {}),
      ...(anyGroup ? { groups } : {}),
    };
    return { matrix, stats: { rows: this.rows, dropped, duplicateQueries } };
  }

  private entry(query: string): Entry {
    if (query.length === 0) throw new RangeError('query is empty');
    let entry = this.entries.get(query);
    if (entry === undefined) {
      entry = { group: undefined, sums: new Map() };
      this.entries.set(query, entry);
    }
    return entry;
  }
}
