import { type EarlyStoppingRun, runWithEarlyStopping } from './early-stopping';

function scriptedRun(losses: number[]): EarlyStoppingRun & { weights: number; saved: number } {
  const run = {
    maxEpochs: losses.length,
    patience: 2,
    weights: 0,
    saved: -1,
    trainEpoch(epoch: number) {
      run.weights = epoch + 1;
    },
    validationLoss: () => losses[run.weights - 1]!,
    saveBest() {
      run.saved = run.weights;
    },
    restoreBest() {
      run.weights = run.saved;
    },
  };
  return run;
}

describe('runWithEarlyStopping', () => {
  it('stops after `patience` epochs without improvement and restores the best weights', () => {
    const run = scriptedRun([0.9, 0.5, 0.6, 0.7, 0.1, 0.05]);
    const progress: number[] = [];
    const result = runWithEarlyStopping(run, (done) => progress.push(done));
    expect(result).toEqual({ epochs: 4, bestEpoch: 2, bestLoss: 0.5 });
    expect(run.weights).toBe(2);
    expect(progress).toEqual([1, 2, 3, 4, 6]);
  });

  it('runs every epoch and keeps the last weights when nothing is held out', () => {
    const run = scriptedRun([NaN, NaN, NaN]);
    const result = runWithEarlyStopping(run);
    expect(result.epochs).toBe(3);
    expect(run.weights).toBe(3);
  });
});
