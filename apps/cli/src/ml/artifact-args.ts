import { parseCommandArgs } from '../cli-command';

type OptionSpec = Parameters<typeof parseCommandArgs>[1];

/**
 * The option values of an artifact command (no positionals).
 * @throws CliUsageError for unknown options, missing values or positionals.
 */
export function parseArtifactArgs(
  args: readonly string[],
  options: OptionSpec,
): Record<string, unknown> {
  return parseCommandArgs(args, options).values;
}
