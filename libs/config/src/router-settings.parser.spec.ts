import type { ConfigProblem } from './gateway-config.types';
import { DEFAULT_CIRCUIT_BREAKER, parseRouterSettings } from './router-settings.parser';

const GROUPS = new Set(['gpt-4o', 'gpt-4o-mini', 'claude', 'big']);

function parse(raw: unknown): {
  problems: ConfigProblem[];
  warnings: string[];
  settings: ReturnType<typeof parseRouterSettings>;
} {
  const problems: ConfigProblem[] = [];
  const warnings: string[] = [];
  const settings = parseRouterSettings(raw, GROUPS, problems, warnings);
  return { problems, warnings, settings };
}

describe(parseRouterSettings.name, () => {
  it('reads LiteLLM fallbacks written as a list of one-key mappings, or as one mapping', () => {
    const { problems, settings } = parse({
      fallbacks: [{ 'gpt-4o': ['gpt-4o-mini', 'claude'] }, { claude: ['gpt-4o'] }],
      context_window_fallbacks: { 'gpt-4o': ['big'] },
      content_policy_fallbacks: [{ 'gpt-4o': 'claude' }],
      default_fallbacks: ['gpt-4o-mini'],
    });
    expect(problems).toEqual([]);
    expect(settings.fallbacks).toEqual({ 'gpt-4o': ['gpt-4o-mini', 'claude'], claude: ['gpt-4o'] });
    expect(settings.context_window_fallbacks).toEqual({ 'gpt-4o': ['big'] });
    expect(settings.content_policy_fallbacks).toEqual({ 'gpt-4o': ['claude'] });
    expect(settings.default_fallbacks).toEqual(['gpt-4o-mini']);
  });

  it('names every fallback that points at a group that does not exist', () => {
    const { problems } = parse({
      fallbacks: [{ 'gpt-4o': ['gpt-5'] }, { nope: ['claude'] }, 'oops'],
      default_fallbacks: ['missing', 3],
      context_window_fallbacks: 'big',
    });
    expect(problems).toEqual([
      {
        path: 'router_settings.fallbacks[2]',
        message: 'must be a mapping of a model group to its fallback groups (got a string)',
      },
      {
        path: 'router_settings.fallbacks[0].gpt-4o[0]',
        message: 'fallback model group "gpt-5" is not a model_name in model_list',
      },
      {
        path: 'router_settings.fallbacks[1].nope',
        message: 'model group "nope" is not a model_name in model_list',
      },
      {
        path: 'router_settings.context_window_fallbacks',
        message: 'must be a list of { <model group>: [<fallback groups>] } (got a string)',
      },
      {
        path: 'router_settings.default_fallbacks[0]',
        message: 'fallback model group "missing" is not a model_name in model_list',
      },
      {
        path: 'router_settings.default_fallbacks[1]',
        message: 'must be a model group name (got a number)',
      },
    ]);
  });

  it('defaults the breaker to the seed and takes partial overrides', () => {
    expect(parse({}).settings.circuit_breaker).toEqual(DEFAULT_CIRCUIT_BREAKER);
    const { problems, settings, warnings } = parse({
      circuit_breaker: { failure_threshold: 3, window_seconds: '30', colour: 'red' },
    });
    expect(problems).toEqual([]);
    expect(settings.circuit_breaker).toEqual({
      ...DEFAULT_CIRCUIT_BREAKER,
      failure_threshold: 3,
      window_seconds: 30,
    });
    expect(warnings).toEqual([
      'router_settings.circuit_breaker.colour: not supported yet, ignored',
    ]);
    expect(parse({ circuit_breaker: { success_threshold: 0 } }).problems).toEqual([
      {
        path: 'router_settings.circuit_breaker.success_threshold',
        message: 'must be a positive integer (got 0)',
      },
    ]);
  });

  it('checks retry and cooldown numbers', () => {
    const { problems } = parse({ retry_after: -1, allowed_fails: 1.5, disable_cooldowns: 'yes' });
    expect(problems.map((p) => p.path)).toEqual([
      'router_settings.retry_after',
      'router_settings.allowed_fails',
      'router_settings.disable_cooldowns',
    ]);
  });
});
