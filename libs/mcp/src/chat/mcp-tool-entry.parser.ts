import { CommonException } from '@routeiq/common';

/** One `{ type: "mcp", ... }` entry of a chat request's `tools`, checked. */
export interface McpToolSelection {
  /** Position in `tools`, for error params. */
  readonly index: number;
  /** The server the entry names; undefined: every server the caller may use. */
  readonly serverId?: string;
  /** The field that named the server (`tools[i].server_label` or `tools[i].server_url`). */
  readonly serverParam: string;
  /** Upstream or qualified tool names; undefined: every tool. */
  readonly allowedTools?: ReadonlySet<string>;
  readonly requireApproval: 'never' | 'always';
}

/** `server_url` values that mean "every MCP server of this gateway" (LiteLLM's and ours). */
const GATEWAY_ALIASES = /^(?:litellm_proxy|routeiq)(?:\/mcp)?\/?$/;
/** `<anything>/mcp/<serverId>`: one server of this gateway. The host is not read: no URL is ever fetched. */
const SERVER_PATH = /\/mcp\/([^/?#]+)\/?(?:[?#].*)?$/;

export function isMcpToolEntry(tool: Record<string, unknown>): boolean {
  return tool.type === 'mcp';
}

/**
 * Reads one MCP tool entry (OpenAI Responses / LiteLLM style). `headers` is ignored: the gateway
 * calls upstream servers with their registered credentials, never with client-supplied ones.
 * @throws CommonException (400) naming the bad field.
 */
export function parseMcpToolEntry(tool: Record<string, unknown>, index: number): McpToolSelection {
  const at = `tools[${index}]`;
  return {
    index,
    ...serverOf(tool, at),
    ...allowedToolsOf(tool.allowed_tools, `${at}.allowed_tools`),
    requireApproval: approvalOf(tool.require_approval, `${at}.require_approval`),
  };
}

function serverOf(
  tool: Record<string, unknown>,
  at: string,
): { serverId?: string; serverParam: string } {
  const url = tool.server_url;
  if (url !== undefined && url !== null) {
    const param = `${at}.server_url`;
    if (typeof url !== 'string') throw invalid(`"${param}" must be a string`, param);
    if (GATEWAY_ALIASES.test(url)) return { serverParam: param };
    const match = SERVER_PATH.exec(url);
    if (!match?.[1]) {
      throw invalid(
        `"${param}" must be "litellm_proxy", "routeiq" or <gateway>/mcp/<server_id>: ` +
          'only MCP servers registered with the gateway can be used',
        param,
      );
    }
    return { serverId: decodeSegment(match[1], param), serverParam: param };
  }
  const param = `${at}.server_label`;
  const label = tool.server_label;
  if (typeof label !== 'string' || label.trim() === '') {
    throw invalid(`"${param}" must name a registered MCP server (or set "server_url")`, param);
  }
  return { serverId: label.trim(), serverParam: param };
}

function decodeSegment(segment: string, param: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw invalid(`"${param}" holds an invalid percent-encoding`, param);
  }
}

/** A list of names, or OpenAI's `{ tool_names: [...] }` filter; an empty list means every tool. */
function allowedToolsOf(value: unknown, param: string): { allowedTools?: ReadonlySet<string> } {
  if (value === undefined || value === null) return {};
  const names = Array.isArray(value) ? value : (value as { tool_names?: unknown }).tool_names;
  if (!Array.isArray(names) || !names.every((name) => typeof name === 'string')) {
    throw invalid(`"${param}" must be an array of tool names`, param);
  }
  return names.length === 0 ? {} : { allowedTools: new Set(names) };
}

function approvalOf(value: unknown, param: string): 'never' | 'always' {
  if (value === undefined || value === null || value === 'never') return 'never';
  if (value === 'always') return 'always';
  throw invalid(`"${param}" must be "never" or "always"`, param);
}

function invalid(message: string, param: string): CommonException {
  return CommonException.invalidRequest(message, param);
}
