import type { CliCommand } from '../cli-command';
import { keygenCommand } from './artifact-keygen.command';
import { signCommand } from './artifact-sign.command';
import { verifyCommand } from './artifact-verify.command';

/** Router artifacts: `sign`, `verify`, `keygen` (issue #9, docs/ml-artifacts.md). */
export const ARTIFACT_COMMANDS: readonly CliCommand[] = [signCommand, verifyCommand, keygenCommand];
