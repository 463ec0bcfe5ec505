import { scrubSecrets } from '@routeiq/common';
import { benchRoutingCommand } from './bench-routing.command';
import { readCliConfig } from './cli.config';
import { type CliOutput, migrateCommand, revertCommand } from './migrate.command';

export const USAGE = `Usage: routeiq <command> [options]

Commands:
  migrate          Apply pending database migrations
  migrate:revert   Revert the most recently applied migration
  bench-routing    Time each routing strategy's decision (JSON lines, microseconds)

Options:
  --config <file>  LiteLLM-format YAML config (read for general_settings.database_url)
  -h, --help       Show this help

The database is DATABASE_URL, else general_settings.database_url, else SQLite in
ROUTEIQ_DATA_DIR (default ./data).`;

const COMMANDS = {
  migrate: migrateCommand,
  'migrate:revert': revertCommand,
  'bench-routing': benchRoutingCommand,
} as const;

class UsageError extends Error {}

interface ParsedArgs {
  readonly command?: string;
  readonly configFile?: string;
  readonly help: boolean;
}

function parseArgs(argv: readonly string[]): ParsedArgs {
  let command: string | undefined;
  let configFile: string | undefined;
  let help = false;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') help = true;
    else if (arg === '--config') {
      configFile = argv[++i];
      if (configFile === undefined) throw new UsageError('--config needs a file');
    } else if (arg.startsWith('--config=')) configFile = arg.slice('--config='.length);
    else if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
    else if (command === undefined) command = arg;
    else throw new UsageError(`unexpected argument ${arg}`);
  }
  return { command, configFile, help };
}

/** Runs the CLI; returns the exit code (0 ok, 1 failure, 2 usage error). */
export async function runCli(
  argv: readonly string[],
  io: CliOutput,
  env?: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv);
  } catch (error) {
    io.err(`routeiq: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.help) {
    io.out(USAGE);
    return 0;
  }
  if (args.command === undefined) {
    io.err(USAGE);
    return 2;
  }
  const command = COMMANDS[args.command as keyof typeof COMMANDS] as
    (typeof COMMANDS)[keyof typeof COMMANDS] | undefined;
  if (!command) {
    io.err(`routeiq: unknown command ${args.command}\n\n${USAGE}`);
    return 2;
  }
  try {
    await command(readCliConfig(env), args.configFile, io);
    return 0;
  } catch (error) {
    io.err(`routeiq ${args.command}: ${oneLine(error)}`);
    return 1;
  }
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return scrubSecrets(text).replace(/\s*\n\s*/g, '; ');
}
