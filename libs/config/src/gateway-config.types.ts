/**
 * The gateway's YAML config, in LiteLLM's format, after validation and `os.environ/` resolution.
 * Everything on the request path reads these resolved objects; nothing there reads the
 * environment or re-parses YAML.
 */

/** `litellm_params` of one deployment. Unknown keys are kept in `extra` (passed to providers). */
export interface LitellmParams {
  /** As written: `<provider>/<model id>`, or a bare OpenAI model name. */
  readonly model: string;
  readonly api_key?: string;
  readonly api_base?: string;
  readonly api_version?: string;
  readonly organization?: string;
  /** Seconds; whole-request deadline for non-streaming calls. */
  readonly timeout?: number;
  /** Seconds; deadline for the first byte and for each gap between chunks of a stream. */
  readonly stream_timeout?: number;
  readonly rpm?: number;
  readonly tpm?: number;
  readonly weight?: number;
  readonly max_retries?: number;
  /** LiteLLM's mock: the deployment answers with this text without calling any upstream. */
  readonly mock_response?: string;
  /** Headers added to every upstream request of this deployment (after the provider's own). */
  readonly extra_headers?: Readonly<Record<string, string>>;
  /** Drop request parameters the provider cannot take instead of failing (LiteLLM semantics). */
  readonly drop_params?: boolean;
  /** Seconds this deployment cools down after too many failures (else `router_settings.cooldown_time`). */
  readonly cooldown_time?: number;
  /** Failures per minute this deployment may have before it cools down (else the router's). */
  readonly allowed_fails?: number;
  /** Every other key, verbatim. */
  readonly extra: Readonly<Record<string, unknown>>;
}

/** `model_info` of one deployment. Unknown keys are kept in `extra`. */
export interface ModelInfo {
  /** Deployment id: `model_info.id`, or a stable hash of the deployment when absent. */
  readonly id: string;
  readonly input_cost_per_token?: number;
  readonly output_cost_per_token?: number;
  /** Prices of cached prompt tokens read and written, and of reasoning tokens (LiteLLM's names). */
  readonly cache_read_input_token_cost?: number;
  readonly cache_creation_input_token_cost?: number;
  readonly output_cost_per_reasoning_token?: number;
  /** The model whose list prices apply (a fine-tune or an alias of a priced model). */
  readonly base_model?: string;
  readonly max_input_tokens?: number;
  readonly max_output_tokens?: number;
  readonly max_tokens?: number;
  /** `chat`, `completion` or `embedding` (LiteLLM's `mode`). */
  readonly mode?: string;
  readonly extra: Readonly<Record<string, unknown>>;
}

/** One entry of `model_list`. Entries sharing `model_name` form a model group. */
export interface DeploymentConfig {
  readonly modelName: string;
  /** Provider prefix of `litellm_params.model` (`openai` when there is none). */
  readonly provider: string;
  /** `litellm_params.model` without the provider prefix: the id sent upstream. */
  readonly upstreamModel: string;
  readonly litellmParams: LitellmParams;
  readonly modelInfo: ModelInfo;
}

/** Model group → the groups to try next, in order (LiteLLM's `[{group: [a, b]}]`, flattened). */
export type FallbackMap = Readonly<Record<string, readonly string[]>>;

/** A deployment's circuit breaker (`router_settings.circuit_breaker`); the seed's defaults. */
export interface CircuitBreakerSettings {
  /** Failures within `window_seconds` that open the breaker (5). */
  readonly failure_threshold: number;
  /** Sliding window the failures are counted in (60). */
  readonly window_seconds: number;
  /** Seconds an open breaker waits before letting trial requests through (half-open) (30). */
  readonly recovery_timeout_seconds: number;
  /** Successes in half-open that close the breaker again (2). */
  readonly success_threshold: number;
}

export interface RouterSettings {
  /** One of `SUPPORTED_ROUTING_STRATEGIES`; `simple-shuffle` by default. */
  readonly routing_strategy: string;
  /** Strategy options, e.g. `{ lowest_latency_buffer: 0.1 }` (LiteLLM's name). */
  readonly routing_strategy_args: Readonly<Record<string, unknown>>;
  /** Alias → model group, e.g. `{ gpt-4: gpt-4o }`. */
  readonly model_group_alias: Readonly<Record<string, string>>;
  /** Further attempts within a model group after a retryable failure (0). */
  readonly num_retries: number;
  /** Seconds to wait at least before a retry (0: exponential backoff with jitter alone). */
  readonly retry_after: number;
  /** Seconds: the default per-call timeout and the whole request's deadline. */
  readonly timeout?: number;
  /** Failures per minute a deployment may have before it cools down (3). */
  readonly allowed_fails: number;
  /** Seconds a deployment cools down (5). */
  readonly cooldown_time: number;
  /** No cooldowns at all (LiteLLM's `disable_cooldowns`); breakers still work. */
  readonly disable_cooldowns: boolean;
  readonly fallbacks: FallbackMap;
  readonly context_window_fallbacks: FallbackMap;
  readonly content_policy_fallbacks: FallbackMap;
  /** Groups tried after any group without its own `fallbacks` entry. */
  readonly default_fallbacks: readonly string[];
  /** At most this many fallback groups per request (5). */
  readonly max_fallbacks: number;
  readonly circuit_breaker: CircuitBreakerSettings;
  readonly extra: Readonly<Record<string, unknown>>;
}

export interface GeneralSettings {
  readonly master_key?: string;
  readonly database_url?: string;
  /** Request body limit in MB (LiteLLM's name); default 10. */
  readonly max_request_size_mb: number;
  readonly extra: Readonly<Record<string, unknown>>;
}

/**
 * One `mcp_servers` entry in LiteLLM's keys, `os.environ/`-resolved and type-checked. The MCP
 * registry checks the rules between fields (a credential for the auth type, header names) when it
 * prepares the config, so a bad entry still fails the load or the reload.
 */
export interface McpServerConfig {
  /** The entry's key: the server id and the namespace of its tools (`{id}.{tool}`). */
  readonly server_id: string;
  /** `server_name`, `alias` or `mcp_info.server_name`; else the id. */
  readonly server_name: string;
  readonly description?: string;
  readonly url?: string;
  /** `http` (streamable HTTP), `streamable_http`, `sse` or `stdio`. */
  readonly transport?: string;
  readonly command?: string;
  readonly args?: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
  /** `none`, `bearer_token` or `api_key`. */
  readonly auth_type?: string;
  /** A secret: never logged; the registry seals it at rest. */
  readonly auth_value?: string;
  readonly api_key_header?: string;
  readonly static_headers?: Readonly<Record<string, string>>;
  readonly allowed_tools?: readonly string[];
  readonly access_groups?: readonly string[];
  /** Seconds per tool call. */
  readonly timeout?: number;
  readonly enabled?: boolean;
}

export interface GatewayConfig {
  readonly modelList: readonly DeploymentConfig[];
  /** `mcp_servers`, ordered as written; the gateway keeps its registry in step with them. */
  readonly mcpServers: readonly McpServerConfig[];
  readonly routerSettings: RouterSettings;
  readonly generalSettings: GeneralSettings;
  readonly litellmSettings: Readonly<Record<string, unknown>>;
  /**
   * The environment the config was resolved against: the process environment overlaid with the
   * config's `environment_variables` (LiteLLM semantics: the config wins). Providers read their
   * default credentials (`OPENAI_API_KEY`, …) from here at load time, never on the request path.
   */
  readonly environment: Readonly<Record<string, string | undefined>>;
  /** Absolute path of the file this came from. */
  readonly sourcePath: string;
}

/** One problem found in a config file, addressed by its path in the document. */
export interface ConfigProblem {
  /** e.g. `model_list[2].litellm_params.model` */
  readonly path: string;
  readonly message: string;
}
