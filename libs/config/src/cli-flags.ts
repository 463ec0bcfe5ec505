import { ConfigValidationError } from './config-validation.error';
import type { ConfigProblem } from './gateway-config.types';

/** Command-line flags of the gateway process; each overrides its environment variable. */
export interface GatewayFlags {
  config?: string;
  port?: number;
  host?: string;
  /** `--help` / `-h`: print GATEWAY_USAGE and exit. */
  help?: boolean;
}

export const GATEWAY_USAGE = `Usage: routeiq-gateway [--config <file>] [--port <port>] [--host <host>]

Options:
  --config <file>  LiteLLM-format YAML config (env LITELLM_CONFIG_PATH or CONFIG_FILE_PATH;
                   default config/config.yaml)
  --port <port>    port to listen on (env LITELLM_PORT; default 4000)
  --host <host>    address to bind (env LITELLM_HOST; default 0.0.0.0)
  -h, --help       show this help
`;

type ValueFlag = 'config' | 'port' | 'host';
const VALUE_FLAGS: readonly string[] = ['config', 'port', 'host'];

/**
 * Parses the gateway's flags (pass `process.argv.slice(2)`). `--flag value` and `--flag=value`
 * are both accepted; a repeated flag keeps its last value.
 * @throws ConfigValidationError (source `command line`) naming every bad flag.
 */
export function parseGatewayFlags(argv: readonly string[]): GatewayFlags {
  if (argv.includes('--help') || argv.includes('-h')) return { help: true };
  const flags: GatewayFlags = {};
  const problems: ConfigProblem[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const match = /^--([^=]+)(?:=(.*))?$/s.exec(arg);
    if (!match) {
      problems.push({ path: arg, message: 'unexpected argument (flags start with --)' });
      continue;
    }
    const [, name = '', inline] = match;
    if (!VALUE_FLAGS.includes(name)) {
      problems.push({ path: `--${name}`, message: 'unknown flag' });
      continue;
    }
    const next = argv[i + 1];
    const value = inline ?? (next !== undefined && !next.startsWith('--') ? next : undefined);
    if (inline === undefined && value !== undefined) i++;
    if (value === undefined || value === '') {
      problems.push({ path: `--${name}`, message: 'requires a value' });
      continue;
    }
    applyFlag(flags, name as ValueFlag, value, problems);
  }
  if (problems.length > 0) throw new ConfigValidationError(problems, 'command line');
  return flags;
}

function applyFlag(
  flags: GatewayFlags,
  name: ValueFlag,
  value: string,
  problems: ConfigProblem[],
): void {
  if (name !== 'port') {
    flags[name] = value;
  } else if (/^\d+$/.test(value)) {
    flags.port = Number(value);
  } else {
    problems.push({ path: '--port', message: `must be an integer (got ${JSON.stringify(value)})` });
  }
}
