import type { CliCommand } from '../cli-command';

/** Router artifacts: `sign`, `verify`, `keygen` (issue #9). */
export const ARTIFACT_COMMANDS: readonly CliCommand[] = [];
