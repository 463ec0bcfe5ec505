import type { ProgressReporter } from '@routeiq/routing';
import type { CliOutput } from '../migrate.command';

const WIDTH = 30;
const STEP = 5;

/**
 * A progress bar on stderr, one line per 5% (the CLI writes whole lines, and a log of a CI run
 * stays readable): `train knn [#########.....]  45% fold 3/5`.
 */
export function progressBar(io: CliOutput, title: string): ProgressReporter {
  let shown = -1;
  return (done, total, label) => {
    const percent = total > 0 ? Math.min(100, Math.floor((100 * done) / total)) : 100;
    const step = Math.floor(percent / STEP) * STEP;
    if (step <= shown) return;
    shown = step;
    const filled = Math.round((WIDTH * step) / 100);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}`;
    io.err(`${title} [${bar}] ${String(step).padStart(3)}%${label ? ` ${label}` : ''}`);
  };
}
