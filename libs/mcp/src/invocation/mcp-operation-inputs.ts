import { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import type { McpPromptEntry, McpResourceTemplateEntry } from '../catalog/mcp-catalog.types';
import { McpErrorCode, McpException } from '../mcp.exception';

/**
 * `prompts/get` arguments: an object of strings (absent or null → `{}`) holding every argument
 * the prompt marks required. Messages name arguments, never their values.
 * @throws McpException `invalid_tool_arguments` (JSON-RPC -32602)
 */
export function promptArguments(prompt: McpPromptEntry, args: unknown): Record<string, string> {
  const value = args ?? {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw invalidPromptArguments(prompt, ['must be an object of strings']);
  }
  const problems: string[] = [];
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') problems.push(`/${key.slice(0, 64)}: must be string`);
  }
  for (const argument of prompt.arguments ?? []) {
    if (argument.required && !Object.hasOwn(value, argument.name)) {
      problems.push(`/: must have required property '${argument.name}'`);
    }
  }
  if (problems.length > 0) throw invalidPromptArguments(prompt, problems);
  return value as Record<string, string>;
}

function invalidPromptArguments(prompt: McpPromptEntry, problems: readonly string[]): McpException {
  return new McpException({
    status: 400,
    code: McpErrorCode.InvalidToolArguments,
    message: `Invalid arguments for prompt ${JSON.stringify(prompt.qualifiedName)}: ${problems.join('; ')}`,
    param: 'arguments',
  });
}

/** Parsed templates by template text; an unparseable template is `null`. */
const parsed = new Map<string, UriTemplate | null>();
const MAX_PARSED = 10_000;

/** The server of the first template in `templates` that `uri` is an instance of. */
export function serverListingUri(
  templates: readonly McpResourceTemplateEntry[],
  uri: string,
): string | undefined {
  return templates.find((template) => matches(template.uriTemplate, uri))?.serverId;
}

function matches(text: string, uri: string): boolean {
  try {
    return templateOf(text)?.match(uri) != null;
  } catch {
    // The SDK refuses over-long URIs.
    return false;
  }
}

function templateOf(text: string): UriTemplate | null {
  let template = parsed.get(text);
  if (template === undefined) {
    try {
      template = new UriTemplate(text);
    } catch {
      template = null;
    }
    if (parsed.size >= MAX_PARSED) parsed.clear();
    parsed.set(text, template);
  }
  return template;
}
