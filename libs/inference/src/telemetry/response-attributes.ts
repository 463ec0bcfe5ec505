import type { AttributeValue } from '@opentelemetry/api';
import * as observability from '@routeiq/observability';
import type { ResponseFacts } from './response-facts';

// Read once: a lib's index re-exports compile to getters, called at every use (docs/performance.md
// "Tracing overhead", session 18).
const { AttributeBlock, BlockKeys, GenAi } = observability;
type AttributeBlock = observability.AttributeBlock;
type BlockKeys = observability.BlockKeys;

/** Per set of response facts present (a bit each, in RESPONSE_FACT_KEYS' order): their keys. */
const responseKeys: (BlockKeys | undefined)[] = [];
const RESPONSE_FACT_KEYS = [
  GenAi.RESPONSE_MODEL,
  GenAi.RESPONSE_ID,
  GenAi.RESPONSE_FINISH_REASONS,
  GenAi.USAGE_INPUT_TOKENS,
  GenAi.USAGE_OUTPUT_TOKENS,
];

/**
 * What an answer says (model, id, finish reasons, tokens) as one block of this request's values,
 * for the upstream call's span and the request's span alike; undefined when it says nothing.
 */
export function responseAttributes(
  facts: ResponseFacts,
  inputTokens: number | undefined,
  outputTokens: number | undefined,
): AttributeBlock | undefined {
  const model = facts.model;
  const id = facts.id;
  const reasons = facts.finishReasons.length > 0 ? facts.finishReasons : undefined;
  const mask =
    (model ? 1 : 0) |
    (id ? 2 : 0) |
    (reasons ? 4 : 0) |
    (inputTokens !== undefined ? 8 : 0) |
    (outputTokens !== undefined ? 16 : 0);
  if (mask === 0) return undefined;
  const keys = (responseKeys[mask] ??= new BlockKeys(
    RESPONSE_FACT_KEYS.filter((_, bit) => (mask & (1 << bit)) !== 0),
  ));
  // Sized once (pushes onto `[]` would reserve 17 slots).
  const values = new Array<AttributeValue>(keys.keys.length);
  let i = 0;
  if (model) values[i++] = model;
  if (id) values[i++] = id;
  if (reasons) values[i++] = reasons;
  if (inputTokens !== undefined) values[i++] = inputTokens;
  if (outputTokens !== undefined) values[i] = outputTokens;
  return new AttributeBlock(keys, values);
}

/** Whether a response block says these token counts (an undefined count: the block has none). */
export function sameTokens(
  block: AttributeBlock,
  inputTokens: number | undefined,
  outputTokens: number | undefined,
): boolean {
  return (
    valueOf(block, GenAi.USAGE_INPUT_TOKENS) === inputTokens &&
    valueOf(block, GenAi.USAGE_OUTPUT_TOKENS) === outputTokens
  );
}

function valueOf(block: AttributeBlock, key: string): AttributeValue | undefined {
  const at = block.keys.indexOf(key);
  return at < 0 ? undefined : block.values[at];
}
