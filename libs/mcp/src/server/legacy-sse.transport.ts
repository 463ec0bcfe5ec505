import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { RequestLimits, type GatewayRequest, type GatewayResponse } from '@routeiq/common';
import { CoordinationBus, type BusMessage } from '@routeiq/coordination';
import { JsonRpcCode } from '../mcp.exception';
import {
  classifyMessage,
  McpRpcError,
  rpcError,
  type JsonRpcIncoming,
  type JsonRpcResponse,
} from './json-rpc';
import { logUnexpected } from './mcp-error.mapper';
import {
  errorReply,
  readRpcBody,
  sseEvent,
  SSE_HEADERS,
  writeReply,
  writeToStream,
} from './mcp-http.io';
import { McpRequestDispatcher } from './mcp-request.dispatcher';
import { callerKeyId, McpSessionStore, type McpSession } from './mcp-session.store';

/** Path clients POST their messages to (the `endpoint` event names it with the session id). */
export const SSE_MESSAGES_PATH = '/mcp/messages';

const MAX_KEEP_ALIVE_MS = 15_000;
const PROBE_EVERY_MS = 50;
const PROBE_LIMIT_MS = 2_000;

/** Bus topic of one SSE session: replicas that took a POST send its responses there. */
export function sseTopic(sessionId: string): string {
  return `mcp.sse.${sessionId}`;
}

interface OpenStream {
  readonly res: GatewayResponse;
  /** Aborts the calls of this session when its stream closes. */
  readonly calls: AbortController;
}

/**
 * The legacy HTTP+SSE transport (2024-11-05): `GET /mcp/sse` holds a stream whose first event
 * names the message endpoint; `POST /mcp/messages?sessionId=` answers 202 and the response goes
 * out on the stream. The POST may land on another replica than the stream: it then sends the
 * response over the CoordinationBus, on which the stream's holder listens while it is open.
 */
@Injectable()
export class McpSseTransport implements OnModuleDestroy {
  private readonly logger = new Logger('McpServer');
  private readonly streams = new Map<string, OpenStream>();
  private readonly probes = new Map<string, () => void>();

  constructor(
    private readonly dispatcher: McpRequestDispatcher,
    private readonly sessions: McpSessionStore,
    private readonly bus: CoordinationBus,
    private readonly limits: RequestLimits,
  ) {}

  /** GET /mcp/sse. */
  async open(req: GatewayRequest, res: GatewayResponse): Promise<void> {
    const session = await this.sessions.create({
      keyId: callerKeyId(req),
      transport: 'sse',
    });
    res.writeHead(200, SSE_HEADERS);
    const { id } = session;
    this.streams.set(id, { res, calls: new AbortController() });
    const unsubscribe = this.bus.subscribe(sseTopic(id), (message) => this.onBus(id, message));
    // Keep-alives also touch the session: an open stream's session must not expire.
    const every = Math.min(MAX_KEEP_ALIVE_MS, this.sessions.ttlSeconds * 500);
    const keepAlive = setInterval(() => this.keepAlive(id, res), every);
    res.once('close', () => {
      clearInterval(keepAlive);
      unsubscribe();
      this.streams.get(id)?.calls.abort();
      this.streams.delete(id);
      this.sessions.delete(id).catch(() => undefined);
    });
    await this.untilSubscribed(id, res);
    writeToStream(
      res,
      sseEvent('endpoint', `${SSE_MESSAGES_PATH}?sessionId=${encodeURIComponent(id)}`),
    );
  }

  /** POST /mcp/messages?sessionId=… */
  async post(req: GatewayRequest, res: GatewayResponse): Promise<void> {
    let session: McpSession;
    let body: unknown;
    try {
      session = await this.sessionOf(req);
      body = await readRpcBody(req, this.limits.maxBodyBytes);
    } catch (error) {
      const { reply, unexpected } = errorReply(error, null);
      if (unexpected) logUnexpected(this.logger, req, error, 'MCP SSE message failed');
      writeReply(req, res, reply);
      return;
    }
    const messages = (Array.isArray(body) ? (body as unknown[]) : [body]).map(classifyMessage);
    const invalid = messages.find((message) => message.kind === 'invalid');
    if (messages.length === 0 || invalid) {
      const error = { code: JsonRpcCode.InvalidRequest, message: 'Invalid JSON-RPC message' };
      writeReply(req, res, { status: 400, body: rpcError(invalid?.id ?? null, error) });
      return;
    }
    writeReply(req, res, { status: 202 });
    for (const response of await this.answer(messages, session, req)) {
      await this.deliver(session.id, response);
    }
  }

  /** The responses to `messages` of `session` (one per request, none for notifications). */
  async answer(
    messages: readonly JsonRpcIncoming[],
    session: McpSession,
    req: GatewayRequest,
  ): Promise<JsonRpcResponse[]> {
    const signal = this.streams.get(session.id)?.calls.signal;
    const ctx = {
      req,
      transport: 'sse' as const,
      session,
      stateless: false,
      ...(signal && { signal }),
    };
    const outcomes = await Promise.all(
      messages.map((message) =>
        message.kind === 'request'
          ? this.dispatcher.dispatch(message.request, ctx)
          : Promise.resolve(undefined),
      ),
    );
    return outcomes.flatMap((outcome) => (outcome ? [outcome.response] : []));
  }

  onModuleDestroy(): void {
    for (const { res } of this.streams.values()) res.end();
  }

  private async sessionOf(req: GatewayRequest): Promise<McpSession> {
    const id = new URL(req.url ?? '', 'http://gateway').searchParams.get('sessionId');
    if (!id) throw McpRpcError.invalidRequest('Missing sessionId query parameter');
    const session = await this.sessions.find(id, callerKeyId(req), 'sse');
    if (!session) {
      throw new McpRpcError(JsonRpcCode.UpstreamError, 'Session not found', { status: 404 });
    }
    return session;
  }

  private async deliver(sessionId: string, response: JsonRpcResponse): Promise<void> {
    const local = this.streams.get(sessionId);
    if (local) {
      writeToStream(local.res, sseEvent('message', JSON.stringify(response)));
      return;
    }
    try {
      await this.bus.publish(sseTopic(sessionId), { kind: 'message', message: response });
    } catch (error) {
      this.logger.warn(`MCP SSE response for a remote stream lost: ${(error as Error).message}`);
    }
  }

  private onBus(sessionId: string, message: BusMessage): void {
    const { kind, nonce, message: response } = message.payload;
    if (kind === 'ready' && typeof nonce === 'string') this.probes.get(nonce)?.();
    const local = this.streams.get(sessionId);
    if (kind === 'message' && local) {
      writeToStream(local.res, sseEvent('message', JSON.stringify(response)));
    }
  }

  /**
   * Resolves once this replica receives its own probe on the session's topic (so a response
   * published by another replica from now on reaches it), or after PROBE_LIMIT_MS.
   */
  private untilSubscribed(sessionId: string, res: GatewayResponse): Promise<void> {
    return new Promise((resolve) => {
      const nonce = randomUUID();
      const probe = (): void => {
        this.bus.publish(sseTopic(sessionId), { kind: 'ready', nonce }).catch(() => undefined);
      };
      const finish = (): void => {
        clearInterval(timer);
        clearTimeout(limit);
        res.off('close', finish);
        this.probes.delete(nonce);
        resolve();
      };
      this.probes.set(nonce, finish);
      const timer = setInterval(probe, PROBE_EVERY_MS);
      const limit = setTimeout(finish, PROBE_LIMIT_MS);
      res.once('close', finish);
      probe();
    });
  }

  private keepAlive(sessionId: string, res: GatewayResponse): void {
    writeToStream(res, ': keep-alive\n\n');
    this.sessions.touch(sessionId).catch(() => undefined);
  }
}
