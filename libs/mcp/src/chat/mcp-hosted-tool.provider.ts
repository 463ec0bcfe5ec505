import { Injectable } from '@nestjs/common';
import {
  HostedToolProvider,
  type GatewayRequest,
  type HostedFunctionTool,
  type HostedToolset,
} from '@routeiq/common';
import { mayUseServer, mcpAccessOf } from '../access/mcp-server-access';
import { McpServerDirectory, type McpToolEntry } from '../catalog/mcp-catalog.types';
import { McpOperations } from '../invocation/mcp-operations';
import { McpConfig } from '../mcp.config';
import { McpErrorCode, McpException } from '../mcp.exception';
import { functionNames } from './hosted-tool-names';
import { McpHostedToolset } from './mcp-hosted-toolset';
import { isMcpToolEntry, parseMcpToolEntry, type McpToolSelection } from './mcp-tool-entry.parser';

/**
 * Expands a chat request's `tools: [{ type: "mcp", ... }]` into function tools: the tools of the
 * named servers (or of every server for `server_url: "litellm_proxy"`) the caller may use, narrowed
 * by `allowed_tools`, named `serverId__tool`. The calls run through `McpOperations`, so chat gets
 * the same gate, access checks, argument validation, quotas and audit as REST and `/mcp`.
 * It fails closed: a server whose listing failed (502) or an `allowed_tools` name that is no tool
 * (400) fails the request before the model is called, never a call without the asked-for tools.
 */
@Injectable()
export class McpHostedToolProvider extends HostedToolProvider {
  constructor(
    private readonly config: McpConfig,
    private readonly operations: McpOperations,
    private readonly directory: McpServerDirectory,
  ) {
    super();
  }

  async resolve(
    req: GatewayRequest,
    tools: readonly Record<string, unknown>[],
  ): Promise<HostedToolset | null> {
    const selections = this.selectionsOf(tools);
    if (selections.length === 0) return null;
    this.checkServers(req, selections);
    const listed = await this.operations.listTools(req, {
      serverIds: namedServers(selections),
      strict: true,
    });
    checkAllowedTools(listed, selections);
    const chosen = chooseTools(listed, selections);
    const names = functionNames(chosen);
    const byQualified = new Map(chosen.map((tool) => [tool.qualifiedName, tool]));
    const definitions = [...names].map(([name, qualified]) =>
      definitionOf(name, byQualified.get(qualified)!),
    );
    const executable =
      this.config.toolInvocationEnabled &&
      selections.every((selection) => selection.requireApproval === 'never');
    return new McpHostedToolset(
      definitions,
      executable,
      this.config.maxToolTurns,
      names,
      (qualified, args, signal) =>
        this.operations.callTool(req, qualified, args, { channel: 'chat', signal }),
    );
  }

  private selectionsOf(tools: readonly Record<string, unknown>[]): McpToolSelection[] {
    const selections: McpToolSelection[] = [];
    for (let i = 0; i < tools.length; i++) {
      const tool = tools[i]!;
      if (!isMcpToolEntry(tool)) continue;
      if (!this.config.enabled) {
        throw McpException.invalidChatTool(
          McpErrorCode.GatewayDisabled,
          `"tools[${i}]" is an MCP tool, but the MCP gateway is disabled (MCP_GATEWAY_ENABLED)`,
          `tools[${i}]`,
        );
      }
      selections.push(parseMcpToolEntry(tool, i));
    }
    return selections;
  }

  /** A server named outright must exist, be enabled and be usable by this caller. */
  private checkServers(req: GatewayRequest, selections: readonly McpToolSelection[]): void {
    const access = mcpAccessOf(req);
    for (const { serverId, serverParam } of selections) {
      if (serverId === undefined) continue;
      const server = this.directory.get(serverId);
      if (!server) {
        throw McpException.invalidChatTool(
          McpErrorCode.ServerNotFound,
          `"${serverParam}": MCP server ${JSON.stringify(serverId)} not found`,
          serverParam,
        );
      }
      if (!server.enabled) {
        throw McpException.invalidChatTool(
          McpErrorCode.ServerDisabled,
          `"${serverParam}": MCP server ${JSON.stringify(serverId)} is disabled`,
          serverParam,
        );
      }
      if (!mayUseServer(access, server)) {
        throw McpException.accessDenied(`MCP server ${JSON.stringify(serverId)}`);
      }
    }
  }
}

/** The servers the entries name; undefined when one asks for every server. */
function namedServers(selections: readonly McpToolSelection[]): string[] | undefined {
  const ids = selections.map((selection) => selection.serverId);
  return ids.every((id) => id !== undefined) ? [...new Set(ids)] : undefined;
}

/** Every name an entry's `allowed_tools` lists must be a listed tool (of its server, if named). */
function checkAllowedTools(
  listed: readonly McpToolEntry[],
  selections: readonly McpToolSelection[],
): void {
  for (const { index, serverId, allowedTools } of selections) {
    if (!allowedTools) continue;
    const inScope = listed.filter((tool) => serverId === undefined || tool.serverId === serverId);
    const missing = [...allowedTools].filter(
      (name) => !inScope.some((tool) => tool.name === name || tool.qualifiedName === name),
    );
    if (missing.length === 0) continue;
    const param = `tools[${index}].allowed_tools`;
    // A tool hidden from this caller is as unknown as one that does not exist.
    const where =
      serverId === undefined
        ? "the gateway's MCP servers"
        : `MCP server ${JSON.stringify(serverId)}`;
    const names = missing.map((name) => JSON.stringify(name)).join(', ');
    throw McpException.invalidChatTool(
      McpErrorCode.ToolNotFound,
      `"${param}" names unknown tools of ${where}: ${names}`,
      param,
    );
  }
}

/** The listed tools some entry asks for, in listing order (each once). */
function chooseTools(
  listed: readonly McpToolEntry[],
  selections: readonly McpToolSelection[],
): McpToolEntry[] {
  return listed.filter((tool) =>
    selections.some(
      ({ serverId, allowedTools }) =>
        (serverId === undefined || serverId === tool.serverId) &&
        (!allowedTools || allowedTools.has(tool.name) || allowedTools.has(tool.qualifiedName)),
    ),
  );
}

function definitionOf(name: string, tool: McpToolEntry): HostedFunctionTool {
  const description = tool.description ?? tool.title;
  const schema = tool.inputSchema;
  const parameters =
    typeof schema === 'object' && schema !== null && !Array.isArray(schema)
      ? schema
      : { type: 'object', properties: {} };
  return {
    type: 'function',
    function: description === undefined ? { name, parameters } : { name, description, parameters },
  };
}
