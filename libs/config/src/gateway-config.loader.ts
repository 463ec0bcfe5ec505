import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { describeType, firstProblemPerPath, isMapping, type Mapping } from './config-problems';
import { UNSUPPORTED_TOP_LEVEL_KEYS } from './config-schema';
import { ConfigValidationError } from './config-validation.error';
import { deepFreeze } from './deep-freeze';
import type { ConfigProblem, GatewayConfig } from './gateway-config.types';
import { parseMcpServers } from './mcp-servers.parser';
import { parseModelList } from './model-list.parser';
import { parseRouterSettings } from './router-settings.parser';
import { parseGeneralSettings, parseLitellmSettings } from './settings.parser';
import { mergeEnvironment, resolveEnvRefs, type Environment } from './yaml-env.resolver';

const TOP_LEVEL_KEYS: readonly string[] = [
  'model_list',
  'router_settings',
  'general_settings',
  'litellm_settings',
  'environment_variables',
  'mcp_servers',
];

export interface LoadedGatewayConfig {
  /** Deep-frozen snapshot. */
  readonly config: GatewayConfig;
  /** Unknown or not-yet-supported keys; they never fail a load. */
  readonly warnings: string[];
}

/**
 * Reads a LiteLLM-format YAML config, resolves `os.environ/` references against `env` overlaid
 * with the file's `environment_variables`, and validates it.
 * @throws ConfigValidationError listing every problem, with `source` = the file path.
 */
export function loadGatewayConfig(path: string, env: Environment): LoadedGatewayConfig {
  const sourcePath = resolve(path);
  const problems: ConfigProblem[] = [];
  const warnings: string[] = [];
  const root = readDocument(sourcePath, problems);
  if (root === undefined) throw new ConfigValidationError(problems, sourcePath);

  warnUnknownKeys(root, warnings);
  const environment = mergeEnvironment(env, root.environment_variables, problems);
  const section = (key: string): unknown => resolveEnvRefs(root[key], key, environment, problems);

  const modelList = parseModelList(section('model_list'), problems, warnings);
  const modelNames = new Set(modelList.map((d) => d.modelName));
  const config: GatewayConfig = {
    modelList,
    routerSettings: parseRouterSettings(section('router_settings'), modelNames, problems, warnings),
    generalSettings: parseGeneralSettings(section('general_settings'), problems, warnings),
    litellmSettings: parseLitellmSettings(section('litellm_settings'), problems, warnings),
    mcpServers: parseMcpServers(section('mcp_servers'), problems, warnings),
    environment,
    sourcePath,
  };
  if (problems.length > 0) {
    throw new ConfigValidationError(firstProblemPerPath(problems), sourcePath);
  }
  return { config: deepFreeze(config), warnings };
}

function readDocument(sourcePath: string, problems: ConfigProblem[]): Mapping | undefined {
  let text: string;
  try {
    text = readFileSync(sourcePath, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? 'read failed';
    problems.push({ path: '(file)', message: `cannot read the config file (${reason})` });
    return undefined;
  }
  const document = parseDocument(text);
  for (const error of document.errors) {
    const at = error.linePos?.[0];
    const summary = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    problems.push({
      path: at ? `(yaml line ${at.line} col ${at.col})` : '(yaml)',
      message: summary,
    });
  }
  if (problems.length > 0) return undefined;
  const root: unknown = document.toJS();
  if (!isMapping(root)) {
    problems.push({
      path: '(root)',
      message: `must be a mapping of config sections such as model_list (got ${describeType(root)})`,
    });
    return undefined;
  }
  return root;
}

function warnUnknownKeys(root: Mapping, warnings: string[]): void {
  for (const key of Object.keys(root)) {
    if (TOP_LEVEL_KEYS.includes(key)) continue;
    warnings.push(
      UNSUPPORTED_TOP_LEVEL_KEYS.includes(key)
        ? `config: "${key}" is not supported yet, ignored`
        : `config: unknown key "${key}" ignored`,
    );
  }
}
