export * from './ml.types';
export * from './float-codec';
export { HashedTfidfFeaturizer } from './featurizer/hashed-tfidf.featurizer';
export {
  HASHED_TFIDF_DEFAULTS,
  HASHED_TFIDF_KIND,
  type HashedTfidfOptions,
} from './featurizer/hashed-tfidf.options';
export * from './featurizer/featurizer.registry';
export {
  isRemoteEmbedding,
  MAX_EMBEDDING_DIMENSIONS,
  REMOTE_EMBEDDING_KIND,
  REMOTE_EMBEDDING_VERSION,
  RemoteEmbeddingFeaturizer,
  type RemoteEmbeddingOptions,
} from './featurizer/remote-embedding.featurizer';
export { KnnModel } from './models/knn/knn.model';
export { KNN_DEFAULTS, KnnTrainer, type KnnOptions } from './models/knn/knn.trainer';
export {
  benchKnnLatency,
  KNN_LATENCY_DEFAULTS,
  type KnnLatencyBenchResult,
} from './models/knn/knn-latency.benchmark';
export { MlpModel } from './models/mlp/mlp.model';
export { MlpTrainer, MLP_DEFAULTS, type MlpTrainerOptions } from './models/mlp/mlp.trainer';
export { SvmModel } from './models/svm/svm.model';
export { SvmTrainer, SVM_DEFAULTS, type SvmTrainerOptions } from './models/svm/svm.trainer';
export { MfModel } from './models/mf/mf.model';
export { MfTrainer, MF_DEFAULTS, type MfTrainerOptions } from './models/mf/mf.trainer';
export { EloModel } from './models/elo/elo.model';
export { EloTrainer, ELO_DEFAULTS, type EloTrainerOptions } from './models/elo/elo.trainer';
export * from './models/quality-model.registry';
export * from './data';
export * from './decision';
export * from './eval';
export * from './artifact';
export * from './strategy/ml-routing.service';
export * from './strategy/llmrouter.strategies';
export * from './strategy/learned-router.strategy';
export * from './strategy/baseline-router.strategy';
export * from './strategy/custom-router.strategy';
export * from './strategy/learned-routing.args';
export * from './strategy/deployment-facts';
export * from './strategy/learned-routing.status';
export * from './strategy/time-budget';
export * from './strategy/prompt-embeddings';
