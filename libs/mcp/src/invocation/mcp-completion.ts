import type { McpResourceTemplateEntry } from '../catalog/mcp-catalog.types';

/** The most `completion.values` one answer may hold (MCP spec). */
export const MAX_COMPLETION_VALUES = 100;

/** The answer when an upstream cannot complete: no values, and none to come. */
export function emptyCompletion(): Record<string, unknown> {
  return { completion: { values: [], hasMore: false } };
}

/**
 * An upstream's `CompleteResult` as the gateway answers it: at most 100 string values (`hasMore`
 * set when some were cut), `total` and `hasMore` kept when well-formed, anything else dropped.
 */
export function cappedCompletion(
  result: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const completion = result.completion;
  if (!isRecord(completion) || !Array.isArray(completion.values)) return emptyCompletion();
  const values = completion.values.filter((value): value is string => typeof value === 'string');
  const { total, hasMore } = completion;
  return {
    completion: {
      values: values.slice(0, MAX_COMPLETION_VALUES),
      ...(Number.isInteger(total) && { total }),
      ...(values.length > MAX_COMPLETION_VALUES
        ? { hasMore: true }
        : typeof hasMore === 'boolean' && { hasMore }),
    },
  };
}

/** The server of the first template whose text is exactly `uri` (a `ref/resource` names one). */
export function serverOfTemplate(
  templates: readonly McpResourceTemplateEntry[],
  uri: string,
): string | undefined {
  return templates.find((template) => template.uriTemplate === uri)?.serverId;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
