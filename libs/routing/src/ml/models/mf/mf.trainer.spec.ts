import { syntheticRouting } from '../shared/__fixtures__/synthetic-routing.fixture';
import { MfTrainer } from './mf.trainer';

describe(MfTrainer.name, () => {
  const trainer = new MfTrainer();
  const data = syntheticRouting(300, 10);

  it('stops early on the held-out slice, and runs every epoch when nothing is held out', () => {
    const stopped: number[] = [];
    trainer.train(data.features, data.matrix, { hashBits: 10, epochs: 300, patience: 2 }, (done) =>
      stopped.push(done),
    );
    expect(stopped.length).toBeLessThan(150);
    const all: number[] = [];
    trainer.train(
      data.features,
      data.matrix,
      { hashBits: 10, epochs: 4, validationFraction: 0 },
      (done) => all.push(done),
    );
    expect(all).toEqual([1, 2, 3, 4, 4]);
  });

  it('refuses MF options out of range', () => {
    expect(() => trainer.train(data.features, data.matrix, { dim: 0 })).toThrow(RangeError);
    expect(() => trainer.train(data.features, data.matrix, { dim: 4.5 })).toThrow(/integer/);
    expect(() => trainer.train(data.features, data.matrix, { learningRate: 0 })).toThrow(
      RangeError,
    );
  });
});
