import {
  type ProgressReporter,
  type PromptFeatures,
  type QualityModelTrainer,
  type ScoreMatrix,
} from '../../ml.types';
import { MAX_HASH_BITS, MIN_HASH_BITS, rehashRows } from '../shared/feature-rehash';
import { seededRandom } from '../shared/seeded-random';
import { type OptionRules, resolveOptions, SEED_RULE } from '../shared/trainer-options';
import { checkTrainingInput } from '../shared/training-input';
import { addPairwiseOutcomes, fitBradleyTerry } from './bradley-terry';
import { EloModel, MAX_ELO_CLUSTERS, MAX_RATING } from './elo.model';
import { type Clustering, sphericalKMeans } from './spherical-kmeans';

/** Options of `EloTrainer.train`. */
export interface EloTrainerOptions {
  /** PRNG seed: k-means++ seeding. */
  readonly seed: number;
  /** Prompt clusters with their own ratings (0: global ratings only). */
  readonly clusters: number;
  /** Centroids live in 2^hashBits buckets (artifact size ∝ 2^hashBits·clusters). */
  readonly hashBits: number;
  readonly kmeansIterations: number;
  /** Virtual games pulling the global ratings toward 0 (keeps a never-winning candidate finite). */
  readonly priorGames: number;
  /** Virtual games pulling each cluster's ratings toward the global ones. */
  readonly clusterPriorGames: number;
  /** MM iterations of the Bradley–Terry fit. */
  readonly iterations: number;
}

export const ELO_DEFAULTS: EloTrainerOptions = {
  seed: 1,
  clusters: 32,
  hashBits: 12,
  kmeansIterations: 25,
  priorGames: 1,
  clusterPriorGames: 10,
  iterations: 500,
};

const RULES: OptionRules<EloTrainerOptions> = {
  seed: SEED_RULE,
  clusters: { min: 0, max: MAX_ELO_CLUSTERS, integer: true },
  hashBits: { min: MIN_HASH_BITS, max: MAX_HASH_BITS, integer: true },
  kmeansIterations: { min: 1, max: 1000, integer: true },
  priorGames: { min: 1e-3, max: 1e6 },
  clusterPriorGames: { min: 1e-3, max: 1e6 },
  iterations: { min: 1, max: 100_000, integer: true },
};

/**
 * Trains an `EloModel`: pairwise outcomes between candidates on each training query (a win when
 * one's score exceeds the other's, ties half) give Bradley–Terry ratings, globally and per
 * k-means cluster of the queries. Deterministic for a given `seed`.
 */
export class EloTrainer implements QualityModelTrainer<EloTrainerOptions> {
  readonly kind = 'elo' as const;

  train(
    features: readonly PromptFeatures[],
    matrix: ScoreMatrix,
    options?: Partial<EloTrainerOptions>,
    progress?: ProgressReporter,
  ): EloModel {
    checkTrainingInput(features, matrix);
    const settings = resolveOptions(ELO_DEFAULTS, RULES, options);
    const width = matrix.candidates.length;
    const rows = rehashRows(features, settings.hashBits);
    const clustering = sphericalKMeans(
      rows,
      settings.clusters,
      settings.kmeansIterations,
      seededRandom(settings.seed),
    );
    progress?.(1, 2, 'clusters');
    const { globalRatings, clusterRatings } = rate(matrix.scores, width, clustering, settings);
    progress?.(2, 2, 'ratings');
    return new EloModel([...matrix.candidates], {
      hashBits: settings.hashBits,
      clusters: clustering.clusters,
      centroids: clustering.centroids,
      globalRatings,
      clusterRatings,
    });
  }
}

/** Global ratings from every query, then each cluster's from its queries, shrunk to the global. */
function rate(
  scores: Float64Array,
  width: number,
  clustering: Clustering,
  settings: EloTrainerOptions,
): { readonly globalRatings: Float32Array; readonly clusterRatings: Float32Array } {
  const globalWins = new Float64Array(width * width);
  const clusterWins = Array.from(
    { length: clustering.clusters },
    () => new Float64Array(width * width),
  );
  clustering.assignment.forEach((cluster, q) => {
    addPairwiseOutcomes(scores, q, width, globalWins);
    if (cluster >= 0) addPairwiseOutcomes(scores, q, width, clusterWins[cluster]!);
  });
  const fit = (wins: Float64Array, prior: Float64Array, games: number): Float64Array =>
    fitBradleyTerry(wins, width, prior, games, settings.iterations).map((rating) =>
      Math.max(-MAX_RATING, Math.min(MAX_RATING, rating)),
    );
  const globalRatings = fit(globalWins, new Float64Array(width), settings.priorGames);
  const clusterRatings = new Float32Array(clustering.clusters * width);
  clusterWins.forEach((wins, j) => {
    clusterRatings.set(fit(wins, globalRatings, settings.clusterPriorGames), j * width);
  });
  return { globalRatings: Float32Array.from(globalRatings), clusterRatings };
}
