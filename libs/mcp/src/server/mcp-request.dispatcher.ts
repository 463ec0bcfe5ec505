import { Injectable, Logger } from '@nestjs/common';
import { InitializeRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { GatewayRequest } from '@routeiq/common';
import {
  rpcError,
  rpcResult,
  McpRpcError,
  type JsonRpcParams,
  type JsonRpcRequest,
  type JsonRpcResponse,
} from './json-rpc';
import { logUnexpected, toRpcError } from './mcp-error.mapper';
import { McpMethodsService } from './mcp-methods.service';
import {
  LEGACY_SSE_PROTOCOL_VERSION,
  MCP_SERVER_CAPABILITIES,
  MCP_SERVER_INFO,
  negotiateProtocolVersion,
  SESSION_PROTOCOL_VERSIONS,
  ENDPOINT_PROTOCOL_VERSIONS,
} from './mcp-protocol';
import {
  callerKeyId,
  McpSessionStore,
  type McpSession,
  type McpTransportKind,
} from './mcp-session.store';
import { checkStatelessRequest, REMOVED_IN_STATELESS } from './stateless-request';
import { parseParams } from './rpc-params';

/** How one request reached the server. */
export interface McpDispatchContext {
  /** The authenticated request (its principal and headers). */
  readonly req: GatewayRequest;
  readonly transport: McpTransportKind;
  /**
   * The session the request belongs to. Absent for `initialize` over Streamable HTTP (it opens
   * one) and for stateless requests.
   */
  readonly session?: McpSession;
  /** A 2026-07-28 request: `_meta` and headers are checked, results carry `resultType`. */
  readonly stateless: boolean;
  readonly signal?: AbortSignal;
}

export interface McpDispatchOutcome {
  readonly response: JsonRpcResponse;
  /** HTTP status when this is the only response of the reply. */
  readonly status: number;
  /** The session `initialize` opened or updated. */
  readonly session?: McpSession;
}

interface Routed {
  readonly result: JsonRpcParams;
  readonly session?: McpSession;
}

const SSE_PROTOCOL_VERSIONS = [...SESSION_PROTOCOL_VERSIONS, LEGACY_SSE_PROTOCOL_VERSION];

/**
 * Answers one JSON-RPC request of the gateway's MCP server, whatever the transport: protocol
 * methods, the stateless revision's rules, then the feature methods. Never throws: every failure
 * becomes a JSON-RPC error carrying the request's id.
 */
@Injectable()
export class McpRequestDispatcher {
  private readonly logger = new Logger('McpServer');

  constructor(
    private readonly methods: McpMethodsService,
    private readonly sessions: McpSessionStore,
  ) {}

  async dispatch(request: JsonRpcRequest, ctx: McpDispatchContext): Promise<McpDispatchOutcome> {
    try {
      const { result, session } = await this.route(request, ctx);
      const body = ctx.stateless ? { ...result, resultType: 'complete' } : result;
      return { response: rpcResult(request.id, body), status: 200, ...(session && { session }) };
    } catch (error) {
      const mapped = toRpcError(error);
      if (mapped.unexpected) {
        logUnexpected(this.logger, ctx.req, error, `MCP ${request.method} failed`);
      }
      return { response: rpcError(request.id, mapped.error), status: mapped.status };
    }
  }

  private async route(request: JsonRpcRequest, ctx: McpDispatchContext): Promise<Routed> {
    const { method, params } = request;
    if (ctx.stateless) {
      checkStatelessRequest(method, params, ctx.req.headers);
      if (method === 'server/discover') return { result: discoverResult() };
      if (REMOVED_IN_STATELESS.has(method) || !this.methods.has(method)) {
        throw McpRpcError.methodNotFound(method, 404);
      }
    } else if (method === 'initialize') {
      return this.initialize(params, ctx);
    }
    const callContext = {
      req: ctx.req,
      ...(ctx.session && { sessionId: ctx.session.id }),
      ...(ctx.signal && { signal: ctx.signal }),
    };
    return { result: await this.methods.call(method, params, callContext) };
  }

  private async initialize(
    params: JsonRpcParams | undefined,
    ctx: McpDispatchContext,
  ): Promise<Routed> {
    const init = parseParams(InitializeRequestSchema, 'initialize', params);
    const supported = ctx.transport === 'sse' ? SSE_PROTOCOL_VERSIONS : SESSION_PROTOCOL_VERSIONS;
    const protocolVersion = negotiateProtocolVersion(init.protocolVersion, supported);
    const clientInfo = { name: init.clientInfo.name, version: init.clientInfo.version };
    let session: McpSession;
    if (ctx.session) {
      session = { ...ctx.session, protocolVersion, clientInfo };
      await this.sessions.save(session);
    } else {
      session = await this.sessions.create({
        keyId: callerKeyId(ctx.req),
        transport: ctx.transport,
        protocolVersion,
        clientInfo,
      });
    }
    const result = {
      protocolVersion,
      capabilities: MCP_SERVER_CAPABILITIES,
      serverInfo: MCP_SERVER_INFO,
    };
    return { result, session };
  }
}

function discoverResult(): JsonRpcParams {
  return {
    supportedVersions: ENDPOINT_PROTOCOL_VERSIONS,
    capabilities: MCP_SERVER_CAPABILITIES,
    serverInfo: MCP_SERVER_INFO,
  };
}
