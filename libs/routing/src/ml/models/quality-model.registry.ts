import {
  QUALITY_MODEL_KINDS,
  type QualityModel,
  type QualityModelKind,
  type QualityModelSpec,
  type QualityModelTrainer,
} from '../ml.types';
import { EloModel } from './elo/elo.model';
import { EloTrainer } from './elo/elo.trainer';
import { KnnModel } from './knn/knn.model';
import { KnnTrainer } from './knn/knn.trainer';
import { MfModel } from './mf/mf.model';
import { MfTrainer } from './mf/mf.trainer';
import { MlpModel } from './mlp/mlp.model';
import { MlpTrainer } from './mlp/mlp.trainer';
import { SvmModel } from './svm/svm.model';
import { SvmTrainer } from './svm/svm.trainer';

type ModelFactory = (spec: QualityModelSpec, candidates: readonly string[]) => QualityModel;

const MODELS: Readonly<Record<QualityModelKind, ModelFactory>> = {
  knn: (spec, candidates) => KnnModel.fromJSON(spec, candidates),
  mlp: (spec, candidates) => MlpModel.fromJSON(spec, candidates),
  svm: (spec, candidates) => SvmModel.fromJSON(spec, candidates),
  mf: (spec, candidates) => MfModel.fromJSON(spec, candidates),
  elo: (spec, candidates) => EloModel.fromJSON(spec, candidates),
};

const TRAINERS: Readonly<Record<QualityModelKind, () => QualityModelTrainer>> = {
  knn: () => new KnnTrainer(),
  mlp: () => new MlpTrainer(),
  svm: () => new SvmTrainer(),
  mf: () => new MfTrainer(),
  elo: () => new EloTrainer(),
};

/** Whether `kind` names a quality model kind (`knn`, `mlp`, `svm`, `mf`, `elo`). */
export function isQualityModelKind(kind: unknown): kind is QualityModelKind {
  return QUALITY_MODEL_KINDS.includes(kind as QualityModelKind);
}

/**
 * Builds the quality model an artifact describes. The artifact may be hostile: the model's own
 * `fromJSON` validates every field, and the built model must predict for exactly `candidates`, in
 * that order.
 * @throws RangeError for an unknown kind, a malformed spec, or a candidate list mismatch.
 */
export function qualityModelFromSpec(
  spec: QualityModelSpec,
  candidates: readonly string[],
): QualityModel {
  const kind: unknown = (spec as { kind?: unknown } | null)?.kind;
  if (!isQualityModelKind(kind)) {
    throw new RangeError(`model kind must be one of ${QUALITY_MODEL_KINDS.join(', ')}`);
  }
  const model = MODELS[kind](spec, candidates);
  if (model.kind !== kind) throw new RangeError(`model spec of kind ${kind} built a ${model.kind}`);
  const same =
    model.candidates.length === candidates.length &&
    model.candidates.every((name, index) => name === candidates[index]);
  if (!same) throw new RangeError("model candidates differ from the artifact's candidates");
  return model;
}

/**
 * A fresh trainer for `kind` (deterministic given its `seed` option).
 * @throws RangeError for an unknown kind.
 */
export function trainerFor(kind: string): QualityModelTrainer {
  if (!isQualityModelKind(kind)) {
    throw new RangeError(
      `unknown model kind ${JSON.stringify(kind.slice(0, 32))}; known: ${QUALITY_MODEL_KINDS.join(', ')}`,
    );
  }
  return TRAINERS[kind]();
}
