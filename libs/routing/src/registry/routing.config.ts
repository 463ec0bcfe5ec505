import type { Provider } from '@nestjs/common';
import { ConfigService, registerAs } from '@nestjs/config';
import { ConfigValidationError, validateEnv, type ConfigProblem } from '@routeiq/config';
import { Type } from 'class-transformer';
import {
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  ValidateBy,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';
import {
  isStrategyWeight,
  quoteName,
  weightsProblem,
  type StrategyWeights,
} from './strategy-weights';

export const STRATEGY_WEIGHTS_VAR = 'LLMROUTER_STRATEGY_WEIGHTS';
export const EXPERIMENT_CONFIG_VAR = 'LLMROUTER_EXPERIMENT_CONFIG';

/** Which request key places a request in an A/B bucket (see `bucketKeyOf`). */
export const BUCKET_KEYS = ['tenant', 'user', 'request'] as const;
export type BucketKey = (typeof BUCKET_KEYS)[number];

// Experiment and variant ids end up in decision records and metrics labels.
const ID = /^[A-Za-z0-9._:-]{1,64}$/;
const ID_MESSAGE = 'must be 1 to 64 letters, digits or . _ : -';

/** One arm of an experiment: the strategy it runs and its relative weight. */
export interface ExperimentVariant {
  readonly strategy: string;
  readonly weight: number;
}

/** `LLMROUTER_EXPERIMENT_CONFIG`, validated. */
export interface ExperimentSettings {
  readonly id: string;
  /** Absent: tenant, else user, else request. */
  readonly bucketBy?: BucketKey;
  /** Variant name → arm; each strategy appears in one variant at most. */
  readonly variants: Readonly<Record<string, ExperimentVariant>>;
}

/**
 * The strategy registry's boot-time A/B settings (also the DI token). At most one of the two is
 * set. Strategy names are checked against the registered strategies by the registry at start-up.
 */
export class RoutingConfig {
  constructor(
    /** `LLMROUTER_STRATEGY_WEIGHTS`: `{"simple-shuffle": 90, "least-busy": 10}`. */
    readonly strategyWeights?: StrategyWeights,
    /**
     * `LLMROUTER_EXPERIMENT_CONFIG`: `{"id": "exp-1", "bucket_by": "user", "variants":
     * {"control": {"strategy": "simple-shuffle", "weight": 90}, "fast": {"strategy":
     * "latency-based-routing", "weight": 10}}}`. Like the weights, plus names for the decision
     * record and the bucket key.
     */
    readonly experiment?: ExperimentSettings,
  ) {}
}

function variantsProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'must be an object of variant name to {"strategy", "weight"}';
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return 'must name at least one variant';
  const strategies = new Set<string>();
  for (const [name, variant] of entries) {
    if (!ID.test(name)) return `variant name ${quoteName(name)} ${ID_MESSAGE}`;
    const { strategy, weight } = (variant ?? {}) as Record<string, unknown>;
    if (typeof strategy !== 'string' || strategy === '') {
      return `variant ${quoteName(name)} needs a "strategy" name`;
    }
    if (!isStrategyWeight(weight)) return `variant ${quoteName(name)} needs a "weight" ≥ 0`;
    if (strategies.has(strategy)) return `strategy ${quoteName(strategy)} is in two variants`;
    strategies.add(strategy);
  }
  const total = entries.reduce((sum, [, v]) => sum + (v as ExperimentVariant).weight, 0);
  return total > 0 ? undefined : 'at least one variant weight must be above 0';
}

/** A custom check whose message is the problem the check found. */
function Satisfies(
  name: string,
  problem: (value: unknown) => string | undefined,
  options?: ValidationOptions,
): PropertyDecorator {
  return ValidateBy(
    {
      name,
      validator: {
        validate: (value: unknown) => problem(value) === undefined,
        defaultMessage: (args) => problem(args?.value) ?? 'is invalid',
      },
    },
    options,
  );
}

class ExperimentEnvironment {
  @IsString({ message: 'must be a string' })
  @Matches(ID, { message: ID_MESSAGE })
  id!: string;

  @IsOptional()
  @IsIn(BUCKET_KEYS, { message: `must be one of: ${BUCKET_KEYS.join(', ')}` })
  bucket_by?: BucketKey;

  @Satisfies('isVariantMap', variantsProblem)
  variants!: Record<string, ExperimentVariant>;
}

class RoutingEnvironment {
  @IsOptional()
  @Satisfies('isWeightMap', weightsProblem)
  strategyWeights?: Record<string, number>;

  @IsOptional()
  @IsObject({ message: 'must be a JSON object with "id" and "variants"' })
  @ValidateNested()
  @Type(() => ExperimentEnvironment)
  experiment?: ExperimentEnvironment;
}

type Environment = Readonly<Record<string, string | undefined>>;

/**
 * Reads `LLMROUTER_STRATEGY_WEIGHTS` and `LLMROUTER_EXPERIMENT_CONFIG` (JSON, both optional and
 * mutually exclusive). Throws ConfigValidationError naming every bad variable.
 */
export function routingConfigFromEnv(env: Environment): RoutingConfig {
  const problems: ConfigProblem[] = [];
  const weights = parseJson(env, STRATEGY_WEIGHTS_VAR, problems);
  const experiment = parseJson(env, EXPERIMENT_CONFIG_VAR, problems);
  let raw: RoutingEnvironment | undefined;
  try {
    raw = validateEnv(
      RoutingEnvironment,
      { strategyWeights: weights, experiment },
      { strategyWeights: STRATEGY_WEIGHTS_VAR, experiment: EXPERIMENT_CONFIG_VAR },
    );
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    problems.push(...error.problems);
  }
  if (weights !== undefined && experiment !== undefined) {
    problems.push({
      path: EXPERIMENT_CONFIG_VAR,
      message: `set ${STRATEGY_WEIGHTS_VAR} or ${EXPERIMENT_CONFIG_VAR}, not both`,
    });
  }
  if (problems.length > 0 || raw === undefined) {
    throw new ConfigValidationError(problems, 'environment');
  }
  return new RoutingConfig(raw.strategyWeights, experimentOf(raw.experiment));
}

function parseJson(env: Environment, name: string, problems: ConfigProblem[]): unknown {
  const text = env[name]?.trim();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    // The parser's message quotes the text; a plain statement is enough to find the typo.
    problems.push({ path: name, message: 'is not valid JSON' });
    return undefined;
  }
}

function experimentOf(raw: ExperimentEnvironment | undefined): ExperimentSettings | undefined {
  if (raw === undefined) return undefined;
  const variants = Object.fromEntries(
    Object.entries(raw.variants).map(([name, v]) => [
      name,
      { strategy: v.strategy, weight: v.weight },
    ]),
  );
  return { id: raw.id, ...(raw.bucket_by && { bucketBy: raw.bucket_by }), variants };
}

/** The weights the boot settings give each strategy (empty when neither variable is set). */
export function bootWeights(config: RoutingConfig): StrategyWeights {
  if (config.strategyWeights) return config.strategyWeights;
  const variants = Object.values(config.experiment?.variants ?? {});
  return Object.fromEntries(variants.map((v) => [v.strategy, v.weight]));
}

/** Problems for boot settings that name strategies nobody registered. */
export function unknownBootStrategies(
  config: RoutingConfig,
  known: ReadonlySet<string>,
): ConfigProblem[] {
  const variable = config.strategyWeights ? STRATEGY_WEIGHTS_VAR : EXPERIMENT_CONFIG_VAR;
  const list = [...known].sort().join(', ');
  return Object.keys(bootWeights(config))
    .filter((name) => !known.has(name))
    .map((name) => ({
      path: variable,
      message: `unknown strategy ${quoteName(name)} (registered: ${list})`,
    }));
}

export const routingConfig = registerAs('routing', () => routingConfigFromEnv(process.env));

export const routingConfigProvider: Provider = {
  provide: RoutingConfig,
  useFactory: (config: ConfigService) => config.getOrThrow<RoutingConfig>('routing'),
  inject: [ConfigService],
};
