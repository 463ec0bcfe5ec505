import { scrubSecrets } from '@routeiq/common';
import { benchRoutingCommand } from './bench-routing.command';
import { CliUsageError, parseCommandArgs, type CliCommand } from './cli-command';
import { readCliConfig } from './cli.config';
import { credentialsCommand } from './credentials-rekey.command';
import { type CliOutput, migrateCommand, revertCommand } from './migrate.command';
import { ARTIFACT_COMMANDS } from './ml/artifact.commands';
import { benchMlRoutingCommand } from './ml/bench-ml-routing.command';
import { TRAINING_COMMANDS } from './ml/training.commands';

const DATABASE_NOTE = `The database is DATABASE_URL, else general_settings.database_url, else SQLite in
ROUTEIQ_DATA_DIR (default ./data).`;

/** A command whose only option is `--config <file>` (the database commands). */
function configCommand(
  name: string,
  summary: string,
  action: (
    context: Parameters<CliCommand['run']>[1],
    configFile: string | undefined,
  ) => Promise<void>,
): CliCommand {
  return {
    name,
    summary,
    usage: `Usage: routeiq ${name} [--config <file>]\n\n  --config <file>  LiteLLM-format YAML config (read for general_settings.database_url)\n\n${DATABASE_NOTE}`,
    async run(args, context) {
      const { values } = parseCommandArgs(args, { config: { type: 'string' } });
      await action(context, values.config as string | undefined);
    },
  };
}

export { parseCommandArgs };

const COMMANDS: readonly CliCommand[] = [
  configCommand('migrate', 'Apply pending database migrations', ({ config, io }, file) =>
    migrateCommand(config, file, io),
  ),
  configCommand(
    'migrate:revert',
    'Revert the most recently applied migration',
    ({ config, io }, file) => revertCommand(config, file, io),
  ),
  credentialsCommand,
  {
    name: 'bench-routing',
    summary: "Time each routing strategy's decision (JSON lines, microseconds)",
    usage: 'Usage: routeiq bench-routing',
    async run(args, { config, io }) {
      parseCommandArgs(args, {});
      await benchRoutingCommand(config, undefined, io);
    },
  },
  benchMlRoutingCommand,
  ...TRAINING_COMMANDS,
  ...ARTIFACT_COMMANDS,
];

export const USAGE = `Usage: routeiq <command> [options]

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(16)} ${command.summary}`).join('\n')}

Options:
  --config <file>  LiteLLM-format YAML config (read for general_settings.database_url)
  -h, --help       Show this help (routeiq <command> --help for a command's options)

${DATABASE_NOTE}`;

/** Runs the CLI; returns the exit code (0 ok, 1 failure, 2 usage error). */
export async function runCli(
  argv: readonly string[],
  io: CliOutput,
  env?: Readonly<Record<string, string | undefined>>,
): Promise<number> {
  const index = commandIndex(argv);
  const name = index === -1 ? undefined : argv[index];
  const rest = index === -1 ? [...argv] : [...argv.slice(0, index), ...argv.slice(index + 1)];
  const help = rest.includes('-h') || rest.includes('--help');
  if (name === undefined) {
    const unknown = rest.find((arg) => arg !== '-h' && arg !== '--help');
    if (help && unknown === undefined) {
      io.out(USAGE);
      return 0;
    }
    io.err(unknown ? `routeiq: unknown option ${unknown}\n\n${USAGE}` : USAGE);
    return 2;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    io.err(`routeiq: unknown command ${name}\n\n${USAGE}`);
    return 2;
  }
  if (help) {
    io.out(command.usage);
    return 0;
  }
  try {
    await command.run(rest, { config: readCliConfig(env), io });
    return 0;
  } catch (error) {
    if (error instanceof CliUsageError) {
      io.err(`routeiq ${name}: ${error.message}\n\n${command.usage}`);
      return 2;
    }
    io.err(`routeiq ${name}: ${oneLine(error)}`);
    return 1;
  }
}

/** The first argument that is not an option or the value of a leading `--config`. */
function commandIndex(argv: readonly string[]): number {
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--config') i++;
    else if (!argv[i]!.startsWith('-')) return i;
  }
  return -1;
}

function oneLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return scrubSecrets(text).replace(/\s*\n\s*/g, '; ');
}
