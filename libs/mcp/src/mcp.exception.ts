import { GatewayException, type GatewayErrorInit } from '@routeiq/common';

export enum McpErrorCode {
  GatewayDisabled = 'mcp_gateway_disabled',
  ToolInvocationDisabled = 'tool_invocation_disabled',
  ServerNotFound = 'mcp_server_not_found',
  ServerExists = 'mcp_server_exists',
  ManagedByConfig = 'mcp_server_managed_by_config',
  ToolNotFound = 'mcp_tool_not_found',
  ResourceNotFound = 'mcp_resource_not_found',
  PromptNotFound = 'mcp_prompt_not_found',
  InvalidServer = 'invalid_mcp_server',
  InvalidToolArguments = 'invalid_tool_arguments',
  StdioDisabled = 'mcp_stdio_disabled',
  AccessDenied = 'mcp_access_denied',
  UpstreamError = 'mcp_upstream_error',
  UpstreamTimeout = 'mcp_upstream_timeout',
  ServerDisabled = 'mcp_server_disabled',
}

/** JSON-RPC error codes of the gateway's MCP endpoint (the seed's set). */
export enum JsonRpcCode {
  ParseError = -32700,
  InvalidRequest = -32600,
  MethodNotFound = -32601,
  InvalidParams = -32602,
  InternalError = -32603,
  /** The upstream MCP server failed, timed out or is unreachable; also a header mismatch (2026-07-28). */
  UpstreamError = -32001,
  /** No such tool, resource, prompt or server (MCP's "resource not found"). */
  NotFound = -32002,
  /** The caller may not use this server or tool, or is over a quota. */
  AccessDenied = -32003,
  /** Tool invocation is disabled; also an unsupported protocol version (2026-07-28). */
  ToolInvocationDisabled = -32004,
}

const RPC_BY_CODE: Readonly<Partial<Record<McpErrorCode, JsonRpcCode>>> = {
  [McpErrorCode.ToolInvocationDisabled]: JsonRpcCode.ToolInvocationDisabled,
  [McpErrorCode.ServerNotFound]: JsonRpcCode.NotFound,
  [McpErrorCode.ToolNotFound]: JsonRpcCode.NotFound,
  [McpErrorCode.ResourceNotFound]: JsonRpcCode.NotFound,
  [McpErrorCode.PromptNotFound]: JsonRpcCode.NotFound,
  [McpErrorCode.InvalidToolArguments]: JsonRpcCode.InvalidParams,
  [McpErrorCode.AccessDenied]: JsonRpcCode.AccessDenied,
  [McpErrorCode.UpstreamError]: JsonRpcCode.UpstreamError,
  [McpErrorCode.UpstreamTimeout]: JsonRpcCode.UpstreamError,
  [McpErrorCode.ServerDisabled]: JsonRpcCode.UpstreamError,
};

/** Errors of the MCP gateway; `jsonRpcCode` is what the `/mcp` endpoint answers for them. */
export class McpException extends GatewayException {
  readonly jsonRpcCode: JsonRpcCode;

  constructor(init: GatewayErrorInit & { code: McpErrorCode }, jsonRpcCode?: JsonRpcCode) {
    super(init);
    this.jsonRpcCode = jsonRpcCode ?? RPC_BY_CODE[init.code] ?? JsonRpcCode.InternalError;
  }

  static gatewayDisabled(): McpException {
    return new McpException({
      status: 404,
      code: McpErrorCode.GatewayDisabled,
      message: 'The MCP gateway is disabled: set MCP_GATEWAY_ENABLED=true to enable it',
    });
  }

  static toolInvocationDisabled(): McpException {
    return new McpException({
      status: 501,
      code: McpErrorCode.ToolInvocationDisabled,
      type: 'invalid_request_error',
      message:
        'MCP tool invocation is disabled: set LLMROUTER_ENABLE_MCP_TOOL_INVOCATION=true to allow it',
    });
  }

  static serverNotFound(serverId: string): McpException {
    return new McpException({
      status: 404,
      code: McpErrorCode.ServerNotFound,
      message: `MCP server ${JSON.stringify(serverId)} not found`,
    });
  }

  static serverExists(serverId: string, status = 409): McpException {
    return new McpException({
      status,
      code: McpErrorCode.ServerExists,
      message: `MCP server ${JSON.stringify(serverId)} already exists`,
      param: 'server_id',
    });
  }

  /** A server the config file's `mcp_servers` defines: change it in the file, then reload. */
  static managedByConfig(serverId: string): McpException {
    return new McpException({
      status: 409,
      code: McpErrorCode.ManagedByConfig,
      message:
        `MCP server ${JSON.stringify(serverId)} is defined in the config file's mcp_servers; ` +
        'change it there and reload the config',
      param: 'server_id',
    });
  }

  static toolNotFound(name: string): McpException {
    return new McpException({
      status: 404,
      code: McpErrorCode.ToolNotFound,
      message: `MCP tool ${JSON.stringify(name)} not found`,
    });
  }

  static resourceNotFound(uri: string): McpException {
    return new McpException({
      status: 404,
      code: McpErrorCode.ResourceNotFound,
      message: `MCP resource ${JSON.stringify(uri)} not found`,
    });
  }

  static promptNotFound(name: string): McpException {
    return new McpException({
      status: 404,
      code: McpErrorCode.PromptNotFound,
      message: `MCP prompt ${JSON.stringify(name)} not found`,
    });
  }

  /** `problems`: one line per field, e.g. `url: must be an http(s) URL`. */
  static invalidServer(problems: readonly string[], param?: string): McpException {
    return new McpException({
      status: 400,
      code: McpErrorCode.InvalidServer,
      message: `Invalid MCP server: ${problems.join('; ')}`,
      param: param ?? null,
    });
  }

  /** `problems`: JSON-schema errors, e.g. `/city: must be string`. */
  static invalidToolArguments(tool: string, problems: readonly string[]): McpException {
    return new McpException({
      status: 400,
      code: McpErrorCode.InvalidToolArguments,
      message: `Invalid arguments for tool ${JSON.stringify(tool)}: ${problems.join('; ')}`,
      param: 'arguments',
    });
  }

  static stdioDisabled(): McpException {
    return new McpException({
      status: 400,
      code: McpErrorCode.StdioDisabled,
      message: 'stdio MCP servers are disabled: set LLMROUTER_MCP_STDIO_ENABLED=true to allow them',
      param: 'transport',
    });
  }

  /** `what`: e.g. `MCP server "github"` or `tool "github.create_issue"`. */
  static accessDenied(what: string): McpException {
    return new McpException({
      status: 403,
      code: McpErrorCode.AccessDenied,
      message: `This key may not use ${what}`,
    });
  }

  static serverDisabled(serverId: string): McpException {
    return new McpException({
      status: 503,
      code: McpErrorCode.ServerDisabled,
      message: `MCP server ${JSON.stringify(serverId)} is disabled`,
    });
  }

  /** A chat request's `{ type: "mcp" }` tool entry the gateway cannot serve: a 400 naming the field. */
  static invalidChatTool(code: McpErrorCode, message: string, param: string): McpException {
    return new McpException({ status: 400, code, type: 'invalid_request_error', message, param });
  }

  /** `detail` must not hold secrets or upstream bodies verbatim beyond a short message. */
  static upstreamError(serverId: string, detail: string, cause?: unknown): McpException {
    return new McpException({
      status: 502,
      code: McpErrorCode.UpstreamError,
      message: `MCP server ${JSON.stringify(serverId)} failed: ${detail}`,
      cause,
    });
  }

  /**
   * A listing the request cannot go on without failed (chat tool expansion fails closed rather
   * than calling the model without the tools it asked for). `reason`: short and secret-free.
   */
  static listingFailed(serverId: string, reason: string, cause?: unknown): McpException {
    return new McpException({
      status: 502,
      code: McpErrorCode.UpstreamError,
      message: `Could not list the tools of MCP server ${JSON.stringify(serverId)}: ${reason}`,
      cause,
    });
  }

  static upstreamTimeout(serverId: string, timeoutMs: number): McpException {
    return new McpException({
      status: 504,
      code: McpErrorCode.UpstreamTimeout,
      message: `MCP server ${JSON.stringify(serverId)} did not answer within ${timeoutMs} ms`,
    });
  }
}
