import type { CliCommand } from '../cli-command';
import { calibrateCommand } from './calibrate.command';
import { evalReportCommand } from './eval-report.command';
import { evalCommand } from './eval.command';
import { exportTracesCommand } from './export-traces.command';
import { trainCommand } from './train.command';

/** ML routing: `train`, `eval`, `calibrate`, `eval-report`, `export-traces` (issue #9). */
export const TRAINING_COMMANDS: readonly CliCommand[] = [
  trainCommand,
  evalCommand,
  calibrateCommand,
  evalReportCommand,
  exportTracesCommand,
];
