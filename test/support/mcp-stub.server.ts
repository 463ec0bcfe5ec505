import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Server as McpProtocolServer } from '@modelcontextprotocol/sdk/server/index.js';
import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpStubCompletions } from './mcp-stub.completion';
import {
  createStubProtocolServer,
  mcpStubTools,
  type McpStubPrompt,
  type McpStubResource,
  type McpStubTool,
} from './mcp-stub.protocol';

export type { McpStubCompletions } from './mcp-stub.completion';
export {
  mcpStubTools,
  type McpStubPrompt,
  type McpStubResource,
  type McpStubTool,
} from './mcp-stub.protocol';

/** A credential the stub demands on every HTTP request (401 without it). */
export type McpStubAuth =
  | { readonly kind: 'bearer'; readonly token: string }
  | { readonly kind: 'header'; readonly header: string; readonly value: string };

export interface McpStubOptions {
  /** `serverInfo.name`, default `mcp-stub`. */
  readonly name?: string;
  /** Default `mcpStubTools()`; an empty list still declares the tools capability. */
  readonly tools?: readonly McpStubTool[];
  /** Declares the resources capability when given. */
  readonly resources?: readonly McpStubResource[];
  readonly resourceTemplates?: ReadonlyArray<{ uriTemplate: string; name: string }>;
  /** Declares the prompts capability when given. */
  readonly prompts?: readonly McpStubPrompt[];
  /** Declares the completions capability when given. */
  readonly completions?: McpStubCompletions;
  /** Items per page of every `*\/list` answer (with `nextCursor`); default: one page. */
  readonly pageSize?: number;
  readonly auth?: McpStubAuth;
  /** Waits this long before answering each `initialize` (a slow handshake); default none. */
  readonly initializeDelayMs?: number;
  /** How `DELETE /mcp` is answered: `end` the session (default), `refuse` (405) or `hang`. */
  readonly deleteAnswer?: 'end' | 'refuse' | 'hang';
}

/** A JSON-RPC request or notification as the stub received it, with its HTTP headers. */
export interface McpStubMessage {
  readonly method: string;
  readonly params: Record<string, unknown> | undefined;
  readonly headers: IncomingHttpHeaders;
}

/** A `DELETE /mcp` (the client ending its session) as the stub received it. */
export interface McpStubDelete {
  readonly sessionId: string | undefined;
  readonly headers: IncomingHttpHeaders;
}

type StubTransport = StreamableHTTPServerTransport | SSEServerTransport;

/**
 * A real MCP server built with the official SDK on 127.0.0.1: Streamable HTTP at `/mcp` (with
 * sessions) and the legacy HTTP+SSE transport at `/sse` + `/messages`. Records every JSON-RPC
 * message with its headers (auth, `traceparent`, `_meta`), paginates lists, can add a tool at
 * runtime (sending `tools/list_changed`), forget its sessions, and be killed mid-call. Records
 * every `DELETE /mcp` too, and can refuse (405) or never answer them.
 */
export class McpStubServer {
  readonly messages: McpStubMessage[] = [];
  readonly deletes: McpStubDelete[] = [];
  private readonly tools: McpStubTool[];
  private readonly sessions = new Map<
    string,
    { server: McpProtocolServer; transport: StubTransport }
  >();
  private readonly streams = new Set<ServerResponse>();
  private readonly waiting = new Map<string, Array<() => void>>();
  private http?: Server;
  private port = 0;

  constructor(private readonly options: McpStubOptions = {}) {
    this.tools = [...(options.tools ?? mcpStubTools())];
  }

  /** Listens on a free port (the same one again after `kill()`); resolves to the `/mcp` URL. */
  async start(): Promise<string> {
    const http = createServer((req, res) => void this.handle(req, res));
    this.http = http;
    await new Promise<void>((resolve) => http.listen(this.port, '127.0.0.1', resolve));
    this.port = (http.address() as AddressInfo).port;
    return this.url;
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Streamable HTTP endpoint. */
  get url(): string {
    return `${this.origin}/mcp`;
  }

  /** Legacy SSE endpoint. */
  get sseUrl(): string {
    return `${this.origin}/sse`;
  }

  async stop(): Promise<void> {
    await this.kill();
  }

  /** Drops every connection at once (in-flight calls die) and stops listening. */
  async kill(): Promise<void> {
    const http = this.http;
    this.http = undefined;
    // Sockets first: closing the sessions first would end their streams gracefully instead.
    http?.closeAllConnections();
    this.forgetSessions();
    this.streams.clear();
    if (http) await new Promise<void>((resolve) => http.close(() => resolve()));
  }

  /** Forgets every session: the next request of one gets 404, as after an upstream restart. */
  forgetSessions(): void {
    const sessions = [...this.sessions.values()];
    this.sessions.clear();
    for (const session of sessions) void session.server.close().catch(() => undefined);
  }

  /** Adds a tool and notifies every session with `notifications/tools/list_changed`. */
  async addTool(tool: McpStubTool): Promise<void> {
    this.tools.push(tool);
    await Promise.all([...this.sessions.values()].map((s) => s.server.sendToolListChanged()));
  }

  /** Resolves when a client holds a standalone SSE stream (where list_changed notifications go). */
  async listening(): Promise<void> {
    for (let tries = 0; tries < 500; tries++) {
      if ([...this.streams].some((res) => res.headersSent)) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    throw new Error('no client opened a standalone SSE stream on the MCP stub');
  }

  /** Standalone SSE streams (Streamable HTTP GETs) currently open. */
  get openStreams(): number {
    return this.streams.size;
  }

  /** Resolves when the next call of `tool` starts running. */
  called(tool: string): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.set(tool, [...(this.waiting.get(tool) ?? []), resolve]);
    });
  }

  /** Messages with this JSON-RPC method, in arrival order. */
  received(method: string): McpStubMessage[] {
    return this.messages.filter((message) => message.method === method);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (!this.authorised(req.headers)) {
        res.writeHead(401, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: 'unauthorized' }));
        return;
      }
      const body = await readJson(req);
      this.record(body, req.headers);
      if (this.options.initializeDelayMs && hasMethod(body, 'initialize')) {
        await new Promise((resolve) => setTimeout(resolve, this.options.initializeDelayMs));
      }
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/mcp') return await this.streamable(req, res, body);
      if (path === '/sse' && req.method === 'GET') return await this.openSse(res);
      if (path === '/messages') return await this.sseMessage(req, res, body);
      res.writeHead(404).end();
    } catch {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    }
  }

  private authorised(headers: IncomingHttpHeaders): boolean {
    const auth = this.options.auth;
    if (!auth) return true;
    if (auth.kind === 'bearer') return headers.authorization === `Bearer ${auth.token}`;
    return headers[auth.header.toLowerCase()] === auth.value;
  }

  private record(body: unknown, headers: IncomingHttpHeaders): void {
    for (const message of Array.isArray(body) ? body : [body]) {
      if (typeof message !== 'object' || message === null || !('method' in message)) continue;
      const { method, params } = message as { method: string; params?: Record<string, unknown> };
      this.messages.push({ method, params, headers });
    }
  }

  private async streamable(
    req: IncomingMessage,
    res: ServerResponse,
    body: unknown,
  ): Promise<void> {
    const sessionId = req.headers['mcp-session-id'];
    if (req.method === 'DELETE' && !this.acceptDelete(req, res)) return;
    if (typeof sessionId === 'string') {
      const session = this.sessions.get(sessionId);
      if (!session || !(session.transport instanceof StreamableHTTPServerTransport)) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            jsonrpc: '2.0',
            error: { code: -32001, message: 'Session not found' },
            id: null,
          }),
        );
        return;
      }
      if (req.method === 'GET') this.track(res);
      return session.transport.handleRequest(req, res, body);
    }
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => void this.sessions.set(id, { server, transport }),
      onsessionclosed: (id) => void this.sessions.delete(id),
    });
    const server = this.protocolServer();
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  /** Records a DELETE; false when it is answered here (405) or never. */
  private acceptDelete(req: IncomingMessage, res: ServerResponse): boolean {
    const sessionId = req.headers['mcp-session-id'];
    this.deletes.push({ sessionId: sessionId?.toString(), headers: req.headers });
    const answer = this.options.deleteAnswer ?? 'end';
    if (answer === 'refuse') res.writeHead(405, { allow: 'GET, POST' }).end();
    return answer === 'end';
  }

  private track(res: ServerResponse): void {
    this.streams.add(res);
    res.on('close', () => this.streams.delete(res));
  }

  private async openSse(res: ServerResponse): Promise<void> {
    const transport = new SSEServerTransport('/messages', res);
    const server = this.protocolServer();
    this.sessions.set(transport.sessionId, { server, transport });
    res.on('close', () => this.sessions.delete(transport.sessionId));
    await server.connect(transport);
  }

  private protocolServer(): McpProtocolServer {
    return createStubProtocolServer({
      ...this.options,
      name: this.options.name ?? 'mcp-stub',
      tools: this.tools,
      onCall: (tool) => {
        for (const resolve of this.waiting.get(tool) ?? []) resolve();
        this.waiting.delete(tool);
      },
    });
  }

  private async sseMessage(
    req: IncomingMessage,
    res: ServerResponse,
    body: unknown,
  ): Promise<void> {
    const sessionId = new URL(req.url ?? '/', this.origin).searchParams.get('sessionId') ?? '';
    const session = this.sessions.get(sessionId);
    if (!session || !(session.transport instanceof SSEServerTransport)) {
      res.writeHead(404).end();
      return;
    }
    await session.transport.handlePostMessage(req, res, body);
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks).toString('utf8');
  return body ? (JSON.parse(body) as unknown) : undefined;
}

function hasMethod(body: unknown, method: string): boolean {
  return (Array.isArray(body) ? body : [body]).some(
    (message) =>
      typeof message === 'object' &&
      message !== null &&
      (message as { method?: unknown }).method === method,
  );
}
