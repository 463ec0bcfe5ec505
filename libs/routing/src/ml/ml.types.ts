/**
 * Contracts of learned (ML) routing, issue #9. Pure data and interfaces: no Nest, no I/O, so the
 * gateway, the CLI (`routeiq train|eval`) and the benchmarks share them.
 *
 * Flow: prompt text → `Featurizer` → `PromptFeatures` → `QualityModel.predict` → one predicted
 * quality per candidate → a `DecisionRule` (argmax, cost-aware, hybrid, threshold, …) → the
 * candidate to call. Everything a model needs is in plain JSON (`RouterArtifact`); loading one
 * never runs code.
 */

/** Sparse vector: strictly increasing `indices`, same-length `values`. */
export interface SparseVector {
  readonly indices: Uint32Array;
  readonly values: Float32Array;
}

/** What models read about one prompt. Never logged; holds no text. */
export interface PromptFeatures {
  /** Hashed word n-gram TF-IDF, L2-normalised (all zeros → empty). */
  readonly sparse: SparseVector;
  /** Cheap text features (length, digits, code markers, …), standardised with training stats. */
  readonly dense: Float32Array;
}

/** JSON state of a featurizer, stored in the artifact; enough to rebuild it exactly. */
export interface FeaturizerSpec {
  readonly kind: string;
  readonly version: number;
  readonly [field: string]: unknown;
}

/** Text → features. Deterministic: the same text and spec always give the same features. */
export interface Featurizer {
  readonly kind: string;
  /** Dimension of the sparse space (indices are below it). */
  readonly sparseSize: number;
  /** Length of `PromptFeatures.dense`. */
  readonly denseSize: number;
  featurize(text: string): PromptFeatures;
  toJSON(): FeaturizerSpec;
}

/** Model kinds an artifact may hold (`RouterArtifact.model.kind`). */
export const QUALITY_MODEL_KINDS = ['knn', 'mlp', 'svm', 'mf', 'elo'] as const;
export type QualityModelKind = (typeof QUALITY_MODEL_KINDS)[number];

/** JSON state of a quality model. Float arrays are base64 (`encodeFloat32`). */
export interface QualityModelSpec {
  readonly kind: QualityModelKind;
  readonly [field: string]: unknown;
}

/**
 * Predicts, per candidate, the quality (in [0, 1], higher is better) an answer to the prompt would
 * have. Immutable after construction; `predict` is synchronous, allocation-light and fast (the
 * whole decision's budget is well under a millisecond).
 */
export interface QualityModel {
  readonly kind: QualityModelKind;
  /** Candidate names (model names of the training data), in prediction order. */
  readonly candidates: readonly string[];
  /** Writes into `out` when given (length = candidates.length) and returns it. */
  predict(features: PromptFeatures, out?: Float64Array): Float64Array;
  toJSON(): QualityModelSpec;
}

/**
 * Per-query, per-candidate quality: the training data every trainer reads (never an argmax label:
 * most queries have several best candidates).
 */
export interface ScoreMatrix {
  readonly queries: readonly string[];
  readonly candidates: readonly string[];
  /** `scores[q * candidates.length + c]` in [0, 1]; NaN when unknown. */
  readonly scores: Float64Array;
  /** USD of answering query q with candidate c, same layout; absent when unknown. */
  readonly costs?: Float64Array;
  /** Optional group label per query (task name), for stratified folds and reports. */
  readonly groups?: readonly string[];
}

/** Progress of a long job (training epochs, folds), for the CLI's progress bar. */
export type ProgressReporter = (done: number, total: number, label?: string) => void;

/** Trains one kind of quality model on featurized queries. */
export interface QualityModelTrainer<Options = Record<string, unknown>> {
  readonly kind: QualityModelKind;
  train(
    features: readonly PromptFeatures[],
    matrix: ScoreMatrix,
    options?: Partial<Options>,
    progress?: ProgressReporter,
  ): QualityModel;
}

/** The artifact file a manifest points at (`router.json`). Plain JSON, no code. */
export interface RouterArtifact {
  readonly format: 'routeiq.router.v1';
  readonly created_at: string;
  readonly candidates: readonly string[];
  readonly featurizer: FeaturizerSpec;
  readonly model: QualityModelSpec;
  /** USD per 1k tokens per candidate from the training data, used when the config has no price. */
  readonly candidate_costs?: Readonly<Record<string, number>>;
  /** Threshold routers: the calibrated threshold (`routeiq calibrate --strong-pct`). */
  readonly threshold?: number;
  /** Threshold/hybrid routers: the strong (large) and weak (small) candidate. */
  readonly strong?: string;
  readonly weak?: string;
  /** Free-form training facts (data file, rows, options, CV scores). */
  readonly training?: Readonly<Record<string, unknown>>;
}

/** Signed list of artifact files (the seed's manifest format). */
export interface ArtifactManifest {
  readonly version: string;
  readonly created_at: string;
  readonly artifacts: ReadonlyArray<{ readonly path: string; readonly sha256: string }>;
  readonly signature_type: 'ed25519' | 'hmac-sha256' | 'none';
  /** base64; absent only with `none`. */
  readonly signature?: string;
}

/** A verified, loaded router, ready for the request path. Immutable: reloads swap it whole. */
export interface LoadedRouter {
  /** sha256 (hex) of the artifact file. */
  readonly sha256: string;
  /** First 12 hex digits of `sha256`: `strategy_version` in decision records. */
  readonly version: string;
  readonly artifact: Omit<RouterArtifact, 'featurizer' | 'model'>;
  readonly featurizer: Featurizer;
  readonly model: QualityModel;
}

/** What a decision rule knows about each candidate besides its predicted quality. */
export interface CandidateFacts {
  /** USD per 1k tokens (input and output averaged); undefined when unknown. */
  readonly costPer1k: number | undefined;
  /** Relative size (parameters, or any monotone proxy); undefined when unknown. */
  readonly size: number | undefined;
}

/**
 * Turns predicted qualities into a choice. `available[i]` false means candidate i may not be
 * chosen (breaker open, cooling down, not deployed). Returns the chosen index, or -1 when no
 * candidate is available. Pure and synchronous.
 */
export type DecisionRule = (
  predicted: Float64Array,
  facts: readonly CandidateFacts[],
  available: readonly boolean[],
  args: Readonly<Record<string, unknown>>,
) => { readonly index: number; readonly reason: string };
