import { randomUUID } from 'node:crypto';
import { GatewayException } from '@routeiq/common';
import type { ChatCompletion } from '@routeiq/providers';
import type { HostedCallRecord, HostedTurnText } from '../chat/recording-toolset';
import type {
  AnthropicMcpServer,
  AnthropicMessage,
  AnthropicResponseBlock,
} from './anthropic-messages.types';
import { toAnthropicMessage, toToolInput } from './messages-response.mapper';

/** Does a Messages body ask for Anthropic's MCP connector? */
export function hasMcpServers(body: unknown): boolean {
  const servers = (body as { mcp_servers?: unknown } | null | undefined)?.mcp_servers;
  return Array.isArray(servers) && servers.length > 0;
}

/**
 * The enabled `mcp_servers` as the hosted tool entries chat takes (`server_url` read by the same
 * rules; the connector has no approval step, so `require_approval: "never"`), with the position
 * of each in `mcp_servers`. `authorization_token` is dropped: servers run with their registered
 * credentials.
 */
export function mcpToolEntries(servers: readonly AnthropicMcpServer[]): {
  entries: Record<string, unknown>[];
  positions: number[];
} {
  const entries: Record<string, unknown>[] = [];
  const positions: number[] = [];
  servers.forEach((server, i) => {
    const config = server.tool_configuration;
    if (config?.enabled === false) return;
    const entry: Record<string, unknown> = {
      type: 'mcp',
      server_url: server.url,
      server_label: server.name,
      require_approval: 'never',
    };
    if (config?.allowed_tools) entry.allowed_tools = config.allowed_tools;
    entries.push(entry);
    positions.push(i);
  });
  return { entries, positions };
}

/** `<anything>/mcp/<server_id>`, as the hosted tool resolver reads `server_url`. */
const SERVER_PATH = /\/mcp\/([^/?#]+)\/?(?:[?#].*)?$/;

/**
 * The client's `name` of each server a `url` names outright; a server reached through the
 * gateway-wide form (`routeiq`, `litellm_proxy`) keeps its `server_id`.
 */
export function serverNames(servers: readonly AnthropicMcpServer[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const server of servers) {
    const segment = SERVER_PATH.exec(server.url)?.[1];
    if (segment === undefined) continue;
    try {
      const id = decodeURIComponent(segment);
      if (!names.has(id)) names.set(id, server.name);
    } catch {
      // Refused by the resolver before any call is named.
    }
  }
  return names;
}

/**
 * The resolver's error about `tools[k]` (the k-th entry it was given) told in the client's terms:
 * `mcp_servers.<i>.url`, `.tool_configuration.allowed_tools`.
 */
export function inMcpServerTerms(error: unknown, positions: readonly number[]): unknown {
  if (!(error instanceof GatewayException) || !error.param?.startsWith('tools[')) return error;
  const rename = (text: string): string =>
    text.replace(/tools\[(\d+)\](\.\w+)?/g, (_all, k: string, field: string | undefined) => {
      const at = `mcp_servers.${positions[Number(k)] ?? k}`;
      return at + (FIELD_NAMES[field ?? ''] ?? field ?? '');
    });
  return new GatewayException({
    status: error.status,
    code: error.code,
    type: error.type,
    message: rename(error.message),
    param: rename(error.param),
    headers: error.headers,
  });
}

const FIELD_NAMES: Readonly<Record<string, string>> = {
  '.server_url': '.url',
  '.server_label': '.name',
  '.allowed_tools': '.tool_configuration.allowed_tools',
};

/**
 * The loop's final answer as an Anthropic message: in the order they happened, the text the model
 * wrote in each tool turn and an `mcp_tool_use` and an `mcp_tool_result` block for each call the
 * gateway ran, then the answer's own blocks.
 */
export function hostedMessage(
  answer: ChatCompletion,
  model: string,
  items: readonly (HostedTurnText | HostedCallRecord)[],
  names: ReadonlyMap<string, string>,
): AnthropicMessage {
  const message = toAnthropicMessage(answer, model);
  const blocks = items.flatMap((item): AnthropicResponseBlock[] =>
    'origin' in item ? callBlocks(item, names) : [{ type: 'text', text: item.text }],
  );
  message.content = [...blocks, ...message.content];
  return message;
}

function callBlocks(
  call: HostedCallRecord,
  names: ReadonlyMap<string, string>,
): AnthropicResponseBlock[] {
  const id = `mcptoolu_${randomUUID().replace(/-/g, '')}`;
  const { server, tool } = call.origin;
  return [
    {
      type: 'mcp_tool_use',
      id,
      name: tool,
      server_name: names.get(server) ?? server,
      input: toToolInput(call.argumentsJson),
    },
    {
      type: 'mcp_tool_result',
      tool_use_id: id,
      is_error: call.failed === true,
      content: [{ type: 'text', text: call.text ?? '' }],
    },
  ];
}
