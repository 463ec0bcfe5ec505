import { HashedTfidfFeaturizer } from '../../featurizer/hashed-tfidf.featurizer';
import type { ScoreMatrix } from '../../ml.types';
import { seededRandom, shuffleInPlace, type Random } from '../shared/seeded-random';
import type { KnnModel } from './knn.model';
import { KnnTrainer } from './knn.trainer';
import { syntheticMatrix } from './synthetic-prompts';

/** Options of `benchKnnLatency`. */
export interface KnnLatencyBenchOptions {
  /** Training queries (real ones, repeated with a perturbation when too few). */
  readonly trainQueries: number;
  /** Held-out prompts timed (never in the training set). */
  readonly heldOut: number;
  /** Timed passes over the held-out prompts. */
  readonly passes: number;
  readonly seed: number;
}

export const KNN_LATENCY_DEFAULTS: KnnLatencyBenchOptions = {
  trainQueries: 10_000,
  heldOut: 500,
  passes: 20,
  seed: 7,
};

/** Routing decision time of the kNN router (featurize + predict), in microseconds. */
export interface KnnLatencyBenchResult {
  router: string;
  data: string;
  train_queries: number;
  unique_train_queries: number;
  held_out: number;
  candidates: number;
  k: number;
  p50_us: number;
  p99_us: number;
  max_us: number;
  /**
   * p99 over prompts of each prompt's fastest decision: the code's own cost at the tail, which
   * preemption by other work on the machine (it hits single samples) does not reach.
   */
  p99_best_us: number;
  mean_us: number;
  /** Process CPU time over the timed passes per decision: unlike wall time, immune to preemption. */
  cpu_mean_us: number;
  featurize_mean_us: number;
  predict_mean_us: number;
  samples: number;
  train_ms: number;
  artifact_mb: number;
  timing: string;
  clock_overhead_us: number;
}

/** Keeps the results observable, so the optimiser cannot drop the calls being timed. */
let sink = 0;

const round3 = (ns: number): number => Math.round(ns) / 1000;
const now = (): bigint => process.hrtime.bigint();

/** A query with one word dropped: a near-duplicate, as real traffic repeats itself. */
function perturb(query: string, random: Random): string {
  const words = query.split(' ');
  if (words.length < 3) return `${query} ${Math.floor(random() * 1000)}`;
  words.splice(Math.floor(random() * words.length), 1);
  return words.join(' ');
}

/** Splits the matrix's queries into held-out prompts and `trainQueries` training rows. */
function splitQueries(
  matrix: ScoreMatrix,
  options: KnnLatencyBenchOptions,
): {
  train: ScoreMatrix;
  heldOut: string[];
  unique: number;
} {
  const random = seededRandom(options.seed);
  const width = matrix.candidates.length;
  const order = Array.from(
    shuffleInPlace(
      Int32Array.from(matrix.queries, (_, q) => q),
      random,
    ),
  );
  const held = Math.min(options.heldOut, Math.floor(order.length / 2));
  const pool = order.slice(held);
  const queries: string[] = [];
  const scores = new Float64Array(options.trainQueries * width);
  for (let i = 0; i < options.trainQueries; i++) {
    const q = pool[i % pool.length]!;
    const text = matrix.queries[q]!;
    queries.push(i < pool.length ? text : perturb(text, random));
    scores.set(matrix.scores.subarray(q * width, (q + 1) * width), i * width);
  }
  const heldOut = order.slice(0, held).map((q) => matrix.queries[q]!);
  return {
    train: { queries, candidates: matrix.candidates, scores },
    heldOut,
    unique: pool.length,
  };
}

function clockOverheadNs(samples: number): number {
  const times = new Float64Array(samples);
  for (let i = 0; i < samples; i++) {
    const start = now();
    times[i] = Number(now() - start);
  }
  return times.sort()[Math.floor(samples / 2)]!;
}

interface DecisionTimes {
  /** Wall time of each featurize + predict, sorted, in ns. */
  readonly total: Float64Array;
  /** Each prompt's fastest decision over the passes, sorted, in ns. */
  readonly best: Float64Array;
  readonly featurizeNs: number;
  readonly predictNs: number;
  readonly cpuNs: number;
}

/** Times featurize + predict for each prompt alone, `passes` times over, after one warm-up pass. */
function timeDecisions(
  featurizer: HashedTfidfFeaturizer,
  model: KnnModel,
  prompts: readonly string[],
  passes: number,
): DecisionTimes {
  const out = new Float64Array(model.candidates.length);
  for (const prompt of prompts) sink += model.predict(featurizer.featurize(prompt), out)[0]!;
  const total = new Float64Array(prompts.length * passes);
  const best = new Float64Array(prompts.length).fill(Infinity);
  let featurizeNs = 0;
  let predictNs = 0;
  const cpuStart = process.cpuUsage();
  for (let pass = 0, i = 0; pass < passes; pass++) {
    for (let p = 0; p < prompts.length; p++) {
      const t0 = now();
      const features = featurizer.featurize(prompts[p]!);
      const t1 = now();
      sink += model.predict(features, out)[0]!;
      const t2 = now();
      featurizeNs += Number(t1 - t0);
      predictNs += Number(t2 - t1);
      total[i++] = Number(t2 - t0);
      best[p] = Math.min(best[p]!, Number(t2 - t0));
    }
  }
  const cpu = process.cpuUsage(cpuStart);
  const cpuNs = (cpu.user + cpu.system) * 1000;
  return { total: total.sort(), best: best.sort(), featurizeNs, predictNs, cpuNs };
}

/**
 * Trains the default featurizer and kNN model on `trainQueries` queries of `matrix` (synthetic
 * prompts when absent), then times featurize + predict for each held-out prompt alone.
 */
export function benchKnnLatency(
  matrix: ScoreMatrix | undefined,
  options: Partial<KnnLatencyBenchOptions> = {},
): KnnLatencyBenchResult {
  const o = { ...KNN_LATENCY_DEFAULTS, ...options };
  const { train, heldOut, unique } = splitQueries(
    matrix ?? syntheticMatrix(o.trainQueries + o.heldOut, o.seed),
    o,
  );
  const started = now();
  const featurizer = HashedTfidfFeaturizer.fit(train.queries);
  const model = new KnnTrainer().train(
    train.queries.map((query) => featurizer.featurize(query)),
    train,
  );
  const trainMs = Number(now() - started) / 1e6;
  const spec = model.toJSON();
  const artifactBytes = JSON.stringify([featurizer.toJSON(), spec]).length;
  const { total, best, featurizeNs, predictNs, cpuNs } = timeDecisions(
    featurizer,
    model,
    heldOut,
    o.passes,
  );
  const n = total.length;
  return {
    router: 'llmrouter-knn (hashed-tfidf featurizer, default options)',
    data: matrix ? 'real prompts' : 'synthetic prompts',
    train_queries: train.queries.length,
    unique_train_queries: unique,
    held_out: heldOut.length,
    candidates: train.candidates.length,
    k: spec.k as number,
    p50_us: round3(total[Math.floor((n - 1) * 0.5)]!),
    p99_us: round3(total[Math.floor((n - 1) * 0.99)]!),
    max_us: round3(total[n - 1]!),
    p99_best_us: round3(best[Math.floor((best.length - 1) * 0.99)]!),
    mean_us: round3(total.reduce((sum, ns) => sum + ns, 0) / n),
    cpu_mean_us: round3(cpuNs / n),
    featurize_mean_us: round3(featurizeNs / n),
    predict_mean_us: round3(predictNs / n),
    samples: n,
    train_ms: Math.round(trainMs),
    artifact_mb: Math.round(artifactBytes / 1e4) / 100,
    timing: 'each featurize + predict timed alone (process.hrtime.bigint), clock reads included',
    clock_overhead_us: round3(clockOverheadNs(10_000) + (sink === -1 ? 1 : 0)),
  };
}
