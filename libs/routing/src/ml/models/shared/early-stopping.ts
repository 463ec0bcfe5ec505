import { type ProgressReporter } from '../../ml.types';

/** What an early-stopped training run needs from its model. */
export interface EarlyStoppingRun {
  readonly maxEpochs: number;
  /** Epochs without a better held-out loss before stopping. */
  readonly patience: number;
  trainEpoch(epoch: number): void;
  /** Held-out loss; NaN when nothing is held out (then every epoch runs). */
  validationLoss(): number;
  /** Remembers the current weights as the best so far. */
  saveBest(): void;
  /** Puts the remembered weights back. */
  restoreBest(): void;
}

export interface EarlyStoppingResult {
  readonly epochs: number;
  readonly bestEpoch: number;
  readonly bestLoss: number;
}

/** Runs epochs until the held-out loss stops improving, then restores the best weights. */
export function runWithEarlyStopping(
  run: EarlyStoppingRun,
  progress?: ProgressReporter,
  label = 'epoch',
): EarlyStoppingResult {
  let bestLoss = Infinity;
  let bestEpoch = 0;
  let epoch = 0;
  while (epoch < run.maxEpochs) {
    run.trainEpoch(epoch);
    epoch++;
    const loss = run.validationLoss();
    progress?.(epoch, run.maxEpochs, label);
    if (Number.isNaN(loss)) continue;
    if (loss < bestLoss - 1e-6) {
      bestLoss = loss;
      bestEpoch = epoch;
      run.saveBest();
    } else if (epoch - bestEpoch >= run.patience) {
      break;
    }
  }
  if (bestEpoch > 0 && bestEpoch < epoch) run.restoreBest();
  progress?.(run.maxEpochs, run.maxEpochs, label);
  return { epochs: epoch, bestEpoch, bestLoss };
}
