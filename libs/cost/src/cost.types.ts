/**
 * Token counts of one answer as the gateway normalises every provider's usage (OpenAI's shape):
 * `promptTokens` includes the cached tokens and `completionTokens` the reasoning tokens.
 */
export interface UsageCounts {
  readonly promptTokens: number;
  readonly completionTokens: number;
  /** Prompt tokens read from the provider's prompt cache (part of `promptTokens`). */
  readonly cachedPromptTokens?: number;
  /** Prompt tokens written to the provider's prompt cache (part of `promptTokens`). */
  readonly cacheCreationTokens?: number;
  /** Reasoning ("thinking") tokens (part of `completionTokens`). */
  readonly reasoningTokens?: number;
}

/** Per-token USD prices of one model, LiteLLM's names. */
export interface ModelPriceEntry {
  readonly input_cost_per_token: number;
  readonly output_cost_per_token: number;
  readonly cache_read_input_token_cost?: number;
  readonly cache_creation_input_token_cost?: number;
  readonly output_cost_per_reasoning_token?: number;
}

export const PRICE_FIELDS = [
  'input_cost_per_token',
  'output_cost_per_token',
  'cache_read_input_token_cost',
  'cache_creation_input_token_cost',
  'output_cost_per_reasoning_token',
] as const;

export type PriceField = (typeof PRICE_FIELDS)[number];

/** Where a deployment's prices came from. */
export type PriceSource = 'table' | 'model_info' | 'table+model_info' | 'none';

/**
 * The prices a deployment is charged at, every gap filled: cache reads and writes cost the input
 * price and reasoning tokens the output price unless a price of their own is set.
 */
export interface DeploymentPrices {
  readonly input: number;
  readonly output: number;
  readonly cacheRead: number;
  readonly cacheCreation: number;
  /** Undefined: reasoning tokens are output tokens at the output price. */
  readonly reasoning: number | undefined;
  readonly source: PriceSource;
  /** The price table entry used, when one was. */
  readonly tableModel: string | undefined;
}

/** USD cost of one answer, by kind of token. `total` is what is charged. */
export interface CostBreakdown {
  /** Uncached prompt tokens. */
  readonly input: number;
  readonly cacheRead: number;
  readonly cacheCreation: number;
  /** Completion tokens, reasoning included. */
  readonly output: number;
  readonly total: number;
}
