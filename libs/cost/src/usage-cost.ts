import type { CostBreakdown, DeploymentPrices, UsageCounts } from './cost.types';

export const ZERO_COST: CostBreakdown = {
  input: 0,
  cacheRead: 0,
  cacheCreation: 0,
  output: 0,
  total: 0,
};

/**
 * USD cost of one answer: uncached prompt tokens at the input price, cache reads and writes at
 * theirs, completion tokens at the output price — reasoning tokens (already counted in the
 * completion) at the reasoning price only when one is set. Counts a provider reports
 * inconsistently are clamped so no token is charged twice.
 */
export function usageCost(prices: DeploymentPrices, usage: UsageCounts | undefined): CostBreakdown {
  if (!usage) return ZERO_COST;
  const prompt = count(usage.promptTokens);
  const completion = count(usage.completionTokens);
  const cacheReadTokens = Math.min(count(usage.cachedPromptTokens), prompt);
  const cacheCreationTokens = Math.min(count(usage.cacheCreationTokens), prompt - cacheReadTokens);
  const uncached = prompt - cacheReadTokens - cacheCreationTokens;
  const reasoningTokens =
    prices.reasoning === undefined ? 0 : Math.min(count(usage.reasoningTokens), completion);
  const input = uncached * prices.input;
  const cacheRead = cacheReadTokens * prices.cacheRead;
  const cacheCreation = cacheCreationTokens * prices.cacheCreation;
  const output =
    (completion - reasoningTokens) * prices.output + reasoningTokens * (prices.reasoning ?? 0);
  return {
    input,
    cacheRead,
    cacheCreation,
    output,
    total: input + cacheRead + cacheCreation + output,
  };
}

function count(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}
