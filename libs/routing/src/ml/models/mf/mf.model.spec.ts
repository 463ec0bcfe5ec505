import { type QualityModelSpec } from '../../ml.types';
import { describeQualityModelContract } from '../shared/__fixtures__/quality-model.contract';
import { MfModel } from './mf.model';
import { MfTrainer } from './mf.trainer';

describe(MfModel.name, () => {
  describeQualityModelContract({
    train: (features, matrix, options, progress) =>
      new MfTrainer().train(features, matrix, options, progress),
    load: (spec: QualityModelSpec, candidates) => MfModel.fromJSON(spec, candidates),
    options: { hashBits: 10, dim: 8 },
    maskingOptions: { validationFraction: 0, epochs: 20 },
    integerFields: ['hash_bits', 'dense_size', 'dim'],
    floatFields: [
      'projection',
      'dense_projection',
      'projection_bias',
      'embeddings',
      'classifier',
      'candidate_bias',
    ],
    readsDense: true,
  });
});
