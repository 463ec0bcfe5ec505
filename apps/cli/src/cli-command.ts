import { parseArgs } from 'node:util';
import type { CliConfig } from './cli.config';
import type { CliOutput } from './migrate.command';

/** What a command runs with: the environment's settings and where to write. */
export interface CliContext {
  readonly config: CliConfig;
  readonly io: CliOutput;
}

/** One `routeiq <name>` command. It parses its own options (`node:util` parseArgs). */
export interface CliCommand {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The command's usage and options, printed by `routeiq <name> --help` and on usage errors. */
  readonly usage: string;
  /**
   * Runs with the arguments after the command name.
   * @throws CliUsageError for bad arguments (exit 2); any other error exits 1.
   */
  run(args: readonly string[], context: CliContext): Promise<void>;
}

/** Bad command-line arguments: the runner prints the message and the command's usage, exit 2. */
export class CliUsageError extends Error {}

type OptionSpec = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/**
 * Strict `node:util` parseArgs over a command's arguments.
 * @throws CliUsageError for unknown options, missing values or stray positionals.
 */
export function parseCommandArgs(
  args: readonly string[],
  options: OptionSpec,
  allowPositionals = false,
): { values: Record<string, unknown>; positionals: string[] } {
  try {
    return parseArgs({ args: [...args], options, strict: true, allowPositionals });
  } catch (error) {
    throw new CliUsageError((error as Error).message);
  }
}
