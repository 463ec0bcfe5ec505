import { type QualityModelSpec } from '../../ml.types';
import { describeQualityModelContract } from '../shared/__fixtures__/quality-model.contract';
import { SvmModel } from './svm.model';
import { SvmTrainer } from './svm.trainer';

describe(SvmModel.name, () => {
  describeQualityModelContract({
    train: (features, matrix, options, progress) =>
      new SvmTrainer().train(features, matrix, options, progress),
    load: (spec: QualityModelSpec, candidates) => SvmModel.fromJSON(spec, candidates),
    options: { hashBits: 10 },
    integerFields: ['hash_bits', 'dense_size'],
    floatFields: ['sparse_weights', 'dense_weights', 'bias'],
    readsDense: true,
  });
});
