import { type QualityModelSpec } from '../../ml.types';
import { describeQualityModelContract } from '../shared/__fixtures__/quality-model.contract';
import { MlpModel } from './mlp.model';
import { MlpTrainer } from './mlp.trainer';

describe(MlpModel.name, () => {
  describeQualityModelContract({
    train: (features, matrix, options, progress) =>
      new MlpTrainer().train(features, matrix, options, progress),
    load: (spec: QualityModelSpec, candidates) => MlpModel.fromJSON(spec, candidates),
    options: { hashBits: 10, hidden: 16 },
    maskingOptions: { validationFraction: 0, epochs: 20 },
    integerFields: ['hash_bits', 'dense_size', 'hidden'],
    floatFields: ['input_weights', 'dense_weights', 'hidden_bias', 'output_weights', 'output_bias'],
    readsDense: true,
  });
});
