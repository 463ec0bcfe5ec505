import {
  type PromptFeatures,
  type QualityModel,
  type QualityModelSpec,
  type ScoreMatrix,
} from '../../../ml.types';
import {
  featuresOf,
  mostlyUnknownLast,
  routingAccuracy,
  SYNTHETIC_CANDIDATES,
  SYNTHETIC_DENSE_SIZE,
  syntheticRouting,
} from './synthetic-routing.fixture';
import { tamperedSpecs } from './tampered-specs.fixture';

/** How the shared contract drives one model kind. */
export interface QualityModelUnderTest {
  train(
    features: readonly PromptFeatures[],
    matrix: ScoreMatrix,
    options: Record<string, unknown>,
    progress?: (done: number, total: number) => void,
  ): QualityModel;
  load(spec: QualityModelSpec, candidates: readonly string[]): QualityModel;
  /** Small, fast options for the synthetic data. */
  readonly options: Record<string, unknown>;
  readonly integerFields: readonly string[];
  readonly floatFields: readonly string[];
  /** Extra options for the masking test, e.g. no early stopping so the loss alone decides. */
  readonly maskingOptions?: Record<string, unknown>;
  /** Whether the model reads the dense features (and so refuses a wrong dense size). */
  readonly readsDense: boolean;
}

/**
 * Behaviour every trained quality model shares: it learns the synthetic routing, its JSON
 * round-trips exactly, training is deterministic per seed and skips unknown scores, predict
 * honours its buffer contract, and every tampered spec is refused with a RangeError.
 */
export function describeQualityModelContract(subject: QualityModelUnderTest): void {
  const train = syntheticRouting(600, 1);
  const test = syntheticRouting(200, 2);
  const model = subject.train(train.features, train.matrix, { ...subject.options, seed: 3 });
  const spec = model.toJSON();

  it('learns which candidate answers each kind of prompt best, with qualities in [0, 1]', () => {
    expect(routingAccuracy((f) => model.predict(f), test)).toBeGreaterThanOrEqual(0.95);
    for (const features of test.features.slice(0, 20)) {
      expect(Array.from(model.predict(features)).every((q) => q >= 0 && q <= 1)).toBe(true);
    }
  });

  it('round-trips through JSON with identical predictions', () => {
    const loaded = subject.load(
      JSON.parse(JSON.stringify(spec)) as QualityModelSpec,
      SYNTHETIC_CANDIDATES,
    );
    expect(loaded.candidates).toEqual(SYNTHETIC_CANDIDATES);
    for (const features of test.features.slice(0, 20)) {
      expect(Array.from(loaded.predict(features))).toEqual(Array.from(model.predict(features)));
    }
    expect(loaded.toJSON()).toEqual(spec);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const again = subject.train(train.features, train.matrix, { ...subject.options, seed: 3 });
    const other = subject.train(train.features, train.matrix, { ...subject.options, seed: 4 });
    expect(again.toJSON()).toEqual(spec);
    expect(other.toJSON()).not.toEqual(spec);
  });

  it('skips unknown (NaN) scores instead of reading them as low', () => {
    const masked = subject.train(train.features, mostlyUnknownLast(train), {
      ...subject.options,
      ...subject.maskingOptions,
    });
    let top = 0;
    for (const features of test.features) {
      const predicted = masked.predict(features);
      if (predicted[2]! >= Math.max(predicted[0]!, predicted[1]!)) top++;
    }
    expect(top / test.features.length).toBeGreaterThan(0.9);
  });

  it('writes into the given buffer and refuses a wrong-sized one', () => {
    const out = new Float64Array(SYNTHETIC_CANDIDATES.length);
    expect(model.predict(test.features[0]!, out)).toBe(out);
    expect(() => model.predict(test.features[0]!, new Float64Array(2))).toThrow(RangeError);
    if (subject.readsDense) {
      expect(() => model.predict(featuresOf([1, 2], [0]))).toThrow(/dense features/);
    }
  });

  it('predicts finite qualities for a prompt with no sparse terms', () => {
    const predicted = model.predict(
      featuresOf([], new Array<number>(SYNTHETIC_DENSE_SIZE).fill(0)),
    );
    expect(Array.from(predicted).every(Number.isFinite)).toBe(true);
  });

  it('refuses candidate lists that do not fit the weights or are malformed', () => {
    expect(() => subject.load(spec, ['a', 'b'])).toThrow(RangeError);
    expect(() => subject.load(spec, ['a', 'a', 'b'])).toThrow(/unique/);
    expect(() => subject.load(spec, [])).toThrow(RangeError);
    expect(() => subject.load(spec, ['a', '', 'c'])).toThrow(RangeError);
  });

  it('refuses unknown or out-of-range trainer options', () => {
    expect(() => subject.train(train.features, train.matrix, { depth: 3 })).toThrow(
      /unknown option/,
    );
    expect(() => subject.train(train.features, train.matrix, { seed: -1 })).toThrow(RangeError);
    expect(() => subject.train(train.features, train.matrix, { hashBits: 40 })).toThrow(RangeError);
  });

  it('refuses training data that does not line up', () => {
    expect(() => subject.train(train.features.slice(1), train.matrix, {})).toThrow(RangeError);
    const scores = Float64Array.from(train.matrix.scores);
    scores[4] = 1.5;
    expect(() => subject.train(train.features, { ...train.matrix, scores }, {})).toThrow(/outside/);
  });

  it.each(tamperedSpecs(spec, subject.integerFields, subject.floatFields))(
    'refuses a spec with %s',
    (_label, tampered) => {
      expect(() => subject.load(tampered as QualityModelSpec, SYNTHETIC_CANDIDATES)).toThrow(
        RangeError,
      );
    },
  );
}
