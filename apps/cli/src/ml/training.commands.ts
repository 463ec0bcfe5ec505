import type { CliCommand } from '../cli-command';

/** ML routing: `train`, `eval`, `calibrate`, `export-traces` (issue #9). */
export const TRAINING_COMMANDS: readonly CliCommand[] = [];
