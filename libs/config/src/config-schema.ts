import { IsOptional } from 'class-validator';
import { describeType, describeValue, isMapping } from './config-problems';
import {
  BooleanValue,
  Check,
  HttpUrl,
  IsMapping,
  NonEmptyString,
  NonNegativeInt,
  NonNegativeNumber,
  NumericInput,
  OneOf,
  PositiveInt,
  PositiveNumber,
  StringMap,
  StringValue,
} from './config-rules';

/** Routing strategies: LiteLLM's built-in names, then the learned (ML) routers of issue #9. */
export const SUPPORTED_ROUTING_STRATEGIES: readonly string[] = [
  'simple-shuffle',
  'least-busy',
  'latency-based-routing',
  'cost-based-routing',
  'usage-based-routing',
  'llmrouter-knn',
  'llmrouter-mlp',
  'llmrouter-svm',
  'llmrouter-mf',
  'llmrouter-elo',
  'llmrouter-hybrid',
  'llmrouter-cost-aware',
  'llmrouter-threshold',
  'llmrouter-smallest',
  'llmrouter-largest',
  'llmrouter-custom',
];
export const DEFAULT_ROUTING_STRATEGY = 'simple-shuffle';
export const DEFAULT_MAX_REQUEST_SIZE_MB = 10;
export const MODEL_MODES: readonly string[] = ['chat', 'completion', 'embedding'];

/** Top-level LiteLLM sections this gateway does not implement yet: they warn, never fail. */
export const UNSUPPORTED_TOP_LEVEL_KEYS: readonly string[] = [
  'guardrails',
  'callbacks',
  'credential_list',
  'files_settings',
  'finetune_settings',
  'assistant_settings',
  'vector_store_registry',
  'search_tools',
  'include',
];

/** `litellm_settings` keys we honour (or harmlessly ignore) without a warning. */
export const QUIET_LITELLM_SETTINGS: readonly string[] = [
  'drop_params',
  'request_timeout',
  'num_retries',
  'set_verbose',
];

/** One `model_list` entry's own keys; its sections are validated by the classes below. */
export class DeploymentSchema {
  @NonEmptyString()
  model_name!: string;

  @IsMapping()
  litellm_params!: Record<string, unknown>;

  @IsOptional()
  @IsMapping()
  model_info?: Record<string, unknown>;
}

export class LitellmParamsSchema {
  @NonEmptyString()
  model!: string;

  @IsOptional() @StringValue() api_key?: string;
  @IsOptional() @HttpUrl() api_base?: string;
  @IsOptional() @StringValue() api_version?: string;
  @IsOptional() @StringValue() organization?: string;
  @IsOptional() @NumericInput() @PositiveNumber() timeout?: number;
  @IsOptional() @NumericInput() @PositiveNumber() stream_timeout?: number;
  @IsOptional() @NumericInput() @NonNegativeInt() rpm?: number;
  @IsOptional() @NumericInput() @NonNegativeInt() tpm?: number;
  @IsOptional() @NumericInput() @NonNegativeNumber() weight?: number;
  @IsOptional() @NumericInput() @NonNegativeInt() max_retries?: number;
  @IsOptional() @StringValue() mock_response?: string;
  @IsOptional() @StringMap() extra_headers?: Record<string, string>;
  @IsOptional() @BooleanValue() drop_params?: boolean;
  @IsOptional() @NumericInput() @NonNegativeNumber() cooldown_time?: number;
  @IsOptional() @NumericInput() @NonNegativeInt() allowed_fails?: number;
}

export class ModelInfoSchema {
  @IsOptional() @NonEmptyString() id?: string;
  @IsOptional() @NumericInput() @NonNegativeNumber() input_cost_per_token?: number;
  @IsOptional() @NumericInput() @NonNegativeNumber() output_cost_per_token?: number;
  @IsOptional() @NumericInput() @NonNegativeNumber() cache_read_input_token_cost?: number;
  @IsOptional() @NumericInput() @NonNegativeNumber() cache_creation_input_token_cost?: number;
  @IsOptional() @NumericInput() @NonNegativeNumber() output_cost_per_reasoning_token?: number;
  @IsOptional() @NonEmptyString() base_model?: string;
  @IsOptional() @NumericInput() @PositiveInt() max_input_tokens?: number;
  @IsOptional() @NumericInput() @PositiveInt() max_output_tokens?: number;
  @IsOptional() @NumericInput() @PositiveInt() max_tokens?: number;
  @IsOptional() @OneOf(MODEL_MODES) mode?: string;
}

export class RouterSettingsSchema {
  @IsOptional()
  @Check(
    'routingStrategy',
    (v) => typeof v === 'string' && SUPPORTED_ROUTING_STRATEGIES.includes(v),
    (v) =>
      `unsupported routing strategy ${describeValue(v)} (supported: ${SUPPORTED_ROUTING_STRATEGIES.join(', ')})`,
  )
  routing_strategy?: string;

  /** Values are checked by hand: LiteLLM allows a name or `{ model, hidden }`. */
  @IsOptional() @IsMapping() model_group_alias?: Record<string, unknown>;
  @IsOptional() @IsMapping() routing_strategy_args?: Record<string, unknown>;
  @IsOptional() @NumericInput() @NonNegativeInt() num_retries?: number;
  @IsOptional() @NumericInput() @NonNegativeNumber() retry_after?: number;
  @IsOptional() @NumericInput() @PositiveNumber() timeout?: number;
  @IsOptional() @NumericInput() @NonNegativeInt() allowed_fails?: number;
  @IsOptional() @NumericInput() @NonNegativeNumber() cooldown_time?: number;
  @IsOptional() @BooleanValue() disable_cooldowns?: boolean;
  /** Fallback lists are checked by hand (`router-fallbacks.parser.ts`): their targets must exist. */
  @IsOptional() @Check('fallbackList', () => true, () => '') fallbacks?: unknown;
  @IsOptional() @Check('fallbackList', () => true, () => '') context_window_fallbacks?: unknown;
  @IsOptional() @Check('fallbackList', () => true, () => '') content_policy_fallbacks?: unknown;
  @IsOptional() @Check('fallbackList', () => true, () => '') default_fallbacks?: unknown;
  @IsOptional() @NumericInput() @NonNegativeInt() max_fallbacks?: number;
  @IsOptional() @IsMapping() circuit_breaker?: Record<string, unknown>;
}

/** `router_settings.circuit_breaker`. */
export class CircuitBreakerSchema {
  @IsOptional() @NumericInput() @PositiveInt() failure_threshold?: number;
  @IsOptional() @NumericInput() @PositiveNumber() window_seconds?: number;
  @IsOptional() @NumericInput() @PositiveNumber() recovery_timeout_seconds?: number;
  @IsOptional() @NumericInput() @PositiveInt() success_threshold?: number;
}

export class GeneralSettingsSchema {
  @IsOptional() @StringValue() master_key?: string;
  @IsOptional() @StringValue() database_url?: string;
  @IsOptional() @NumericInput() @PositiveNumber() max_request_size_mb?: number;
}

export const MCP_TRANSPORTS: readonly string[] = ['http', 'streamable_http', 'sse', 'stdio'];
export const MCP_AUTH_TYPES: readonly string[] = ['none', 'bearer_token', 'api_key'];

const isStringList = (v: unknown): boolean =>
  Array.isArray(v) && v.every((item) => typeof item === 'string' && item.trim() !== '');

const StringList = (): PropertyDecorator =>
  Check(
    'stringList',
    isStringList,
    (v) => `must be a list of non-empty strings (got ${describeType(v)})`,
  );

/** A mapping of names to strings whose values may be secrets (`env`, `static_headers`). */
const SecretStringMap = (): PropertyDecorator =>
  Check(
    'secretStringMap',
    (v) => isMapping(v) && Object.values(v).every((value) => typeof value === 'string'),
    (v) => `must be a mapping of names to strings (got ${describeType(v)})`,
  );

/** One `mcp_servers` entry: LiteLLM's keys this gateway honours. */
export class McpServerSchema {
  @IsOptional() @NonEmptyString() server_name?: string;
  @IsOptional() @NonEmptyString() alias?: string;
  @IsOptional() @StringValue() description?: string;
  @IsOptional() @HttpUrl() url?: string;
  @IsOptional() @OneOf(MCP_TRANSPORTS) transport?: string;
  @IsOptional() @NonEmptyString() command?: string;
  @IsOptional() @StringList() args?: string[];
  @IsOptional() @SecretStringMap() env?: Record<string, string>;
  @IsOptional() @OneOf(MCP_AUTH_TYPES) auth_type?: string;
  @IsOptional() @StringValue() auth_value?: string;
  @IsOptional() @NonEmptyString() api_key_header?: string;
  @IsOptional() @SecretStringMap() static_headers?: Record<string, string>;
  @IsOptional() @StringList() allowed_tools?: string[];
  @IsOptional() @StringList() access_groups?: string[];
  @IsOptional() @NumericInput() @PositiveNumber() timeout?: number;
  @IsOptional() @BooleanValue() enabled?: boolean;
  /** LiteLLM's display info: `server_name` and `description` are read, the rest warns. */
  @IsOptional() @IsMapping() mcp_info?: Record<string, unknown>;
}

/**
 * LiteLLM `mcp_servers` keys the gateway cannot honour and must not ignore: ignoring them would
 * expose tools or register a server that cannot work.
 */
export const REFUSED_MCP_SERVER_KEYS: Readonly<Record<string, string>> = {
  disallowed_tools: 'is not supported; list the tools to expose in allowed_tools instead',
  spec_path: 'OpenAPI-backed MCP servers are not supported; give the url of an MCP server',
  authorization_url: 'OAuth2 MCP servers are not supported',
  token_url: 'OAuth2 MCP servers are not supported',
};
