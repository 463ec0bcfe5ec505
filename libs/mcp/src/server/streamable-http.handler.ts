import { Injectable, Logger } from '@nestjs/common';
import { RequestLimits, type GatewayRequest, type GatewayResponse } from '@routeiq/common';
import { JsonRpcCode } from '../mcp.exception';
import {
  classifyMessage,
  rpcError,
  McpRpcError,
  type JsonRpcId,
  type JsonRpcIncoming,
} from './json-rpc';
import { logUnexpected } from './mcp-error.mapper';
import {
  abortOnClose,
  errorReply,
  headerOf,
  readRpcBody,
  writeReply,
  type McpHttpReply,
} from './mcp-http.io';
import { allowsBatches, expectsVersionHeader, McpHeader } from './mcp-protocol';
import {
  McpRequestDispatcher,
  type McpDispatchContext,
  type McpDispatchOutcome,
} from './mcp-request.dispatcher';
import { callerKeyId, McpSessionStore, type McpSession } from './mcp-session.store';
import { isStatelessMessage } from './stateless-request';

const INVALID_MESSAGE = { code: JsonRpcCode.InvalidRequest, message: 'Invalid JSON-RPC message' };

/**
 * The Streamable HTTP transport of `/mcp`: sessions (`Mcp-Session-Id`, kept in the
 * ExpiringStore so any replica serves any request of a session), protocol-version headers,
 * batches where the negotiated version allows them, and the stateless 2026-07-28 requests.
 * `handle` and `terminate` decide the reply without touching HTTP; `post` and `delete` do the IO.
 */
@Injectable()
export class McpStreamableHttpHandler {
  private readonly logger = new Logger('McpServer');

  constructor(
    private readonly dispatcher: McpRequestDispatcher,
    private readonly sessions: McpSessionStore,
    private readonly limits: RequestLimits,
  ) {}

  async post(req: GatewayRequest, res: GatewayResponse): Promise<void> {
    const call = abortOnClose(res);
    try {
      const body = await readRpcBody(req, this.limits.maxBodyBytes);
      writeReply(req, res, await this.handle(body, req, call.signal));
    } catch (error) {
      writeReply(req, res, this.errorReply(error, null, req));
    } finally {
      call.dispose();
    }
  }

  async delete(req: GatewayRequest, res: GatewayResponse): Promise<void> {
    writeReply(req, res, await this.terminate(req));
  }

  /** The reply to a POST whose parsed JSON body is `body`. */
  async handle(body: unknown, req: GatewayRequest, signal?: AbortSignal): Promise<McpHttpReply> {
    const batch = Array.isArray(body);
    const messages = (Array.isArray(body) ? (body as unknown[]) : [body]).map(classifyMessage);
    const single = batch ? undefined : messages[0];
    try {
      if (messages.length === 0) throw McpRpcError.invalidRequest('A JSON-RPC batch is empty');
      if (single?.kind === 'invalid') {
        return { status: 400, body: rpcError(single.id, INVALID_MESSAGE) };
      }
      const ctx = await this.contextFor(req, messages, batch, signal);
      return await this.run(messages, ctx, batch);
    } catch (error) {
      return this.errorReply(error, single?.kind === 'request' ? single.request.id : null, req);
    }
  }

  /** DELETE /mcp: ends the caller's session. */
  async terminate(req: GatewayRequest): Promise<McpHttpReply> {
    try {
      const session = await this.sessionOf(req, headerOf(req, McpHeader.SessionId));
      await this.sessions.delete(session.id);
      return { status: 204 };
    } catch (error) {
      return this.errorReply(error, null, req);
    }
  }

  private async contextFor(
    req: GatewayRequest,
    messages: readonly JsonRpcIncoming[],
    batch: boolean,
    signal: AbortSignal | undefined,
  ): Promise<McpDispatchContext> {
    const base = { req, transport: 'streamable-http' as const, ...(signal && { signal }) };
    if (messages.some(isInitialize)) {
      if (batch) throw McpRpcError.invalidRequest('initialize must be sent alone, not in a batch');
      return { ...base, stateless: false };
    }
    const sessionId = headerOf(req, McpHeader.SessionId);
    if (sessionId !== undefined) {
      const session = await this.sessionOf(req, sessionId);
      if (batch && !allowsBatches(session.protocolVersion)) {
        throw McpRpcError.invalidRequest(
          `JSON-RPC batches are not supported in protocol version ${session.protocolVersion}`,
        );
      }
      return { ...base, session, stateless: false };
    }
    const first = messages[0];
    if (!batch && first?.kind === 'request') {
      const { method, params } = first.request;
      if (isStatelessMessage(method, params, req.headers)) return { ...base, stateless: true };
    }
    // Notifications and responses need no session: there is nothing to answer.
    if (!messages.some((message) => message.kind === 'request')) {
      return { ...base, stateless: false };
    }
    throw McpRpcError.invalidRequest(
      batch
        ? 'JSON-RPC batches need a session of protocol version 2025-03-26'
        : 'Missing Mcp-Session-Id header: send initialize first, or a 2026-07-28 request',
    );
  }

  /**
   * The caller's live session `sessionId`, checked against `MCP-Protocol-Version`.
   * @throws McpRpcError 400 without an id, 404 (-32001, the transport's "Session not found")
   * when it is unknown, expired or another key's.
   */
  private async sessionOf(req: GatewayRequest, sessionId: string | undefined): Promise<McpSession> {
    if (sessionId === undefined) throw McpRpcError.invalidRequest('Missing Mcp-Session-Id header');
    const session = await this.sessions.find(sessionId, callerKeyId(req), 'streamable-http');
    if (!session) {
      throw new McpRpcError(JsonRpcCode.UpstreamError, 'Session not found', { status: 404 });
    }
    const version = headerOf(req, McpHeader.ProtocolVersion);
    if (version !== undefined && expectsVersionHeader(session.protocolVersion)) {
      if (version !== session.protocolVersion) {
        throw McpRpcError.invalidRequest(
          `Unsupported MCP-Protocol-Version ${JSON.stringify(version)}: this session uses ` +
            `${session.protocolVersion}`,
        );
      }
    }
    return session;
  }

  private async run(
    messages: readonly JsonRpcIncoming[],
    ctx: McpDispatchContext,
    batch: boolean,
  ): Promise<McpHttpReply> {
    const answers = await Promise.all(messages.map((message) => this.answer(message, ctx)));
    const outcomes = answers.filter((outcome) => outcome !== undefined);
    const [first] = outcomes;
    if (!first) return { status: 202 };
    const opened = ctx.session ? undefined : outcomes.find((outcome) => outcome.session)?.session;
    const headers = opened ? { [McpHeader.SessionId]: opened.id } : undefined;
    return batch
      ? { status: 200, body: outcomes.map((outcome) => outcome.response), headers }
      : { status: first.status, body: first.response, headers };
  }

  private async answer(
    message: JsonRpcIncoming,
    ctx: McpDispatchContext,
  ): Promise<McpDispatchOutcome | undefined> {
    if (message.kind === 'request') return this.dispatcher.dispatch(message.request, ctx);
    if (message.kind === 'invalid')
      return { response: rpcError(message.id, INVALID_MESSAGE), status: 400 };
    return undefined;
  }

  private errorReply(error: unknown, id: JsonRpcId | null, req: GatewayRequest): McpHttpReply {
    const { reply, unexpected } = errorReply(error, id);
    if (unexpected) logUnexpected(this.logger, req, error, 'MCP transport failed');
    return reply;
  }
}

function isInitialize(message: JsonRpcIncoming): boolean {
  return message.kind === 'request' && message.request.method === 'initialize';
}
