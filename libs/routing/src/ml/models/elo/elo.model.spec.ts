import { type QualityModelSpec } from '../../ml.types';
import { describeQualityModelContract } from '../shared/__fixtures__/quality-model.contract';
import { EloModel } from './elo.model';
import { EloTrainer } from './elo.trainer';

describe(EloModel.name, () => {
  describeQualityModelContract({
    train: (features, matrix, options, progress) =>
      new EloTrainer().train(features, matrix, options, progress),
    load: (spec: QualityModelSpec, candidates) => EloModel.fromJSON(spec, candidates),
    options: { hashBits: 10, clusters: 8 },
    integerFields: ['hash_bits', 'clusters'],
    floatFields: ['centroids', 'global_ratings', 'cluster_ratings'],
    readsDense: false,
  });
});
