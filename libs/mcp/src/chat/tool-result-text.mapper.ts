import { HOSTED_TOOL_ERROR_PREFIX } from '@routeiq/common';

/** What the model reads when a tool answered with nothing at all. */
export const EMPTY_RESULT_TEXT = '(the tool returned no content)';

type Part = Record<string, unknown>;

/**
 * An MCP `CallToolResult` as the text of a `tool` message: text contents joined by newlines,
 * `structuredContent` as JSON when no text came with it (servers usually send both, the text being
 * the JSON), other content summarised in brackets. `isError: true` becomes `Error: ...`.
 */
export function toolResultText(result: Record<string, unknown>): string {
  const parts = Array.isArray(result.content) ? (result.content as unknown[]) : [];
  const lines: string[] = [];
  let hasText = false;
  for (const part of parts) {
    if (typeof part !== 'object' || part === null) continue;
    const text = partText(part as Part);
    if (text === undefined) continue;
    if ((part as Part).type === 'text') hasText = true;
    lines.push(text);
  }
  if (!hasText && result.structuredContent !== undefined) {
    lines.push(JSON.stringify(result.structuredContent));
  }
  const text = lines.join('\n');
  if (result.isError === true) return errorText(text || 'the tool reported an error');
  return text === '' ? EMPTY_RESULT_TEXT : text;
}

/** The `tool` message text for a failure the model should read (and may react to). */
export function errorText(detail: string): string {
  return `${HOSTED_TOOL_ERROR_PREFIX}${detail}`;
}

function partText(part: Part): string | undefined {
  switch (part.type) {
    case 'text':
      return typeof part.text === 'string' ? part.text : undefined;
    case 'image':
    case 'audio':
      return `[${part.type}${mimeOf(part)}]`;
    case 'resource_link':
      return `[resource ${describe(part.uri)}${nameOf(part)}${mimeOf(part)}]`;
    case 'resource':
      return embeddedResource(part.resource);
    default:
      return `[${typeof part.type === 'string' ? part.type : 'unknown'} content]`;
  }
}

function embeddedResource(resource: unknown): string {
  if (typeof resource !== 'object' || resource === null) return '[resource]';
  const value = resource as Part;
  if (typeof value.text === 'string') return value.text;
  return `[resource ${describe(value.uri)}${mimeOf(value)}]`;
}

function mimeOf(part: Part): string {
  return typeof part.mimeType === 'string' ? `, ${part.mimeType}` : '';
}

function nameOf(part: Part): string {
  return typeof part.name === 'string' ? ` (${part.name})` : '';
}

function describe(uri: unknown): string {
  return typeof uri === 'string' ? uri : '(no uri)';
}
