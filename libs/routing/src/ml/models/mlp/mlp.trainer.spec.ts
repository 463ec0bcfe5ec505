import { syntheticRouting } from '../shared/__fixtures__/synthetic-routing.fixture';
import { MlpTrainer } from './mlp.trainer';

const OPTIONS = { hashBits: 10, hidden: 16 };

describe(MlpTrainer.name, () => {
  const trainer = new MlpTrainer();
  const data = syntheticRouting(300, 5);

  it('stops early on the held-out slice, and runs every epoch when nothing is held out', () => {
    const stopped: number[] = [];
    trainer.train(data.features, data.matrix, { ...OPTIONS, epochs: 200, patience: 2 }, (done) =>
      stopped.push(done),
    );
    expect(stopped.length).toBeLessThan(100);
    const all: number[] = [];
    trainer.train(
      data.features,
      data.matrix,
      { ...OPTIONS, epochs: 5, validationFraction: 0 },
      (done, total) => all.push(done / total),
    );
    expect(all).toEqual([0.2, 0.4, 0.6, 0.8, 1, 1]);
  });

  it('trains with the MSE loss and with dropout as well', () => {
    const test = syntheticRouting(100, 6);
    for (const extra of [{ loss: 'mse' as const }, { dropout: 0.3 }]) {
      const model = trainer.train(data.features, data.matrix, { ...OPTIONS, ...extra });
      const hits = test.features.filter((f, q) => {
        const predicted = Array.from(model.predict(f));
        return predicted.indexOf(Math.max(...predicted)) === test.best[test.tasks[q]!];
      }).length;
      expect(hits).toBeGreaterThanOrEqual(90);
    }
  });

  it('keeps the moving average of the weights rather than the last ones when asked', () => {
    const base = { ...OPTIONS, epochs: 3, validationFraction: 0, seed: 5 };
    const last = trainer.train(data.features, data.matrix, { ...base, averageEpochs: 0 });
    const averaged = trainer.train(data.features, data.matrix, { ...base, averageEpochs: 2 });
    expect(averaged.toJSON().output_bias).not.toEqual(last.toJSON().output_bias);
    const again = trainer.train(data.features, data.matrix, { ...base, averageEpochs: 2 });
    expect(again.toJSON()).toEqual(averaged.toJSON());
  });

  it('refuses MLP options out of range', () => {
    expect(() => trainer.train(data.features, data.matrix, { hidden: 0 })).toThrow(RangeError);
    expect(() => trainer.train(data.features, data.matrix, { dropout: 1 })).toThrow(RangeError);
    expect(() => trainer.train(data.features, data.matrix, { loss: 'hinge' as 'bce' })).toThrow(
      /one of/,
    );
  });
});
