import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the stub received it, for asserting exactly what the gateway sent upstream. */
export interface AnthropicRecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Record<string, unknown>;
}

/** How the stub answers the next request; without one it answers like Anthropic would. */
export type AnthropicStubBehaviour =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  /** An Anthropic error body `{ type: 'error', error: { type, message } }`. */
  | {
      kind: 'error';
      status: number;
      type: string;
      message: string;
      headers?: Record<string, string>;
    }
  /** A verbatim body, e.g. a recorded `.sse` fixture. */
  | { kind: 'raw'; status: number; body: string; contentType: string }
  /** Stream events as SSE (`event:` + `data:` lines); `cut` drops the socket after them. */
  | {
      kind: 'events';
      events: ReadonlyArray<{ type: string; [key: string]: unknown }>;
      gapMs?: number;
      cut?: boolean;
    }
  | { kind: 'hang' };

interface Turn {
  role: string;
  content: unknown;
}

export const ANTHROPIC_STUB_TEXT = 'Hello from the Anthropic stub.';
export const ANTHROPIC_STUB_MESSAGE_ID = 'msg_stub_01';

/** Encodes stream events exactly as the Messages API does. */
export function anthropicSse(events: ReadonlyArray<{ type: string }>): string {
  return events.map((event) => `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`).join('');
}

export function anthropicErrorBody(type: string, message: string): unknown {
  return { type: 'error', error: { type, message } };
}

/**
 * An upstream that speaks Anthropic's Messages API over real HTTP: `POST /v1/messages` as JSON or SSE,
 * tool use (arguments streamed as several `input_json_delta` pieces), Anthropic-style errors. Like
 * the real API it rejects a request without `x-api-key`, `anthropic-version`, `max_tokens`, or with
 * a `tool_result` that does not answer a `tool_use` of the preceding assistant turn.
 */
export class AnthropicStubServer {
  readonly requests: AnthropicRecordedRequest[] = [];
  abortedRequests = 0;
  private readonly scripted: AnthropicStubBehaviour[] = [];
  private server?: Server;

  /** Starts on a free port; resolves to the origin, i.e. the `api_base`. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return this.origin;
  }

  get origin(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  /** Queues behaviours for the next requests, in order. */
  script(...behaviours: AnthropicStubBehaviour[]): void {
    this.scripted.push(...behaviours);
  }

  last(): AnthropicRecordedRequest {
    const last = this.requests[this.requests.length - 1];
    if (!last) throw new Error('the Anthropic stub received no request');
    return last;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    const path = (req.url ?? '/').split('?')[0]!;
    this.requests.push({ method: req.method ?? 'GET', path, headers: req.headers, body });
    res.on('close', () => {
      if (!res.writableFinished) this.abortedRequests++;
    });
    const behaviour = this.scripted.shift() ?? defaultBehaviour(path, req, body);
    await respond(res, behaviour);
  }
}

async function respond(res: ServerResponse, behaviour: AnthropicStubBehaviour): Promise<void> {
  switch (behaviour.kind) {
    case 'hang':
      return;
    case 'json':
    case 'error': {
      const body =
        behaviour.kind === 'json'
          ? behaviour.body
          : anthropicErrorBody(behaviour.type, behaviour.message);
      res.writeHead(behaviour.status, { 'content-type': 'application/json', ...behaviour.headers });
      res.end(JSON.stringify(body));
      return;
    }
    case 'raw':
      res.writeHead(behaviour.status, { 'content-type': behaviour.contentType });
      res.end(behaviour.body);
      return;
    case 'events':
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      for (const event of behaviour.events) {
        if (res.destroyed) return;
        res.write(anthropicSse([event]));
        if (behaviour.gapMs) await new Promise((resolve) => setTimeout(resolve, behaviour.gapMs));
      }
      if (behaviour.cut) res.socket?.destroy();
      else res.end();
  }
}

function invalid(status: number, type: string, message: string): AnthropicStubBehaviour {
  return { kind: 'error', status, type, message };
}

function defaultBehaviour(
  path: string,
  req: IncomingMessage,
  body: Record<string, unknown>,
): AnthropicStubBehaviour {
  if (path !== '/v1/messages') return invalid(404, 'not_found_error', `Not found: ${path}`);
  if (!req.headers['x-api-key']) {
    return invalid(401, 'authentication_error', 'x-api-key header is required');
  }
  if (!req.headers['anthropic-version']) {
    return invalid(400, 'invalid_request_error', 'anthropic-version: header is required');
  }
  const problem = requestProblem(body);
  if (problem) return invalid(400, 'invalid_request_error', problem);
  const model = String(body.model);
  const tools = Array.isArray(body.tools) ? (body.tools as Array<{ name: string }>) : [];
  return body.stream === true
    ? { kind: 'events', events: streamEvents(model, tools) }
    : { kind: 'json', status: 200, body: message(model, tools) };
}

/** The request checks the real API makes that an adapter is most likely to get wrong. */
function requestProblem(body: Record<string, unknown>): string | undefined {
  if (typeof body.model !== 'string') return 'model: Field required';
  if (typeof body.max_tokens !== 'number') return 'max_tokens: Field required';
  if (!Array.isArray(body.messages) || body.messages.length === 0) {
    return 'messages: at least one message is required';
  }
  const turns = body.messages as Turn[];
  for (const [i, turn] of turns.entries()) {
    if (turn.role !== 'user' && turn.role !== 'assistant') return `messages.${i}.role: invalid`;
    const results = blocks(turn).filter((b) => b.type === 'tool_result');
    const previous = i > 0 ? turns[i - 1] : undefined;
    const uses = new Set(
      blocks(previous)
        .filter((b) => b.type === 'tool_use')
        .map((b) => b.id),
    );
    for (const result of results) {
      if (!uses.has(result.tool_use_id)) {
        return `messages.${i}: unexpected tool_use_id found in tool_result blocks: ${String(result.tool_use_id)}`;
      }
    }
  }
  return undefined;
}

function blocks(turn: Turn | undefined): Array<Record<string, unknown>> {
  return Array.isArray(turn?.content) ? (turn.content as Array<Record<string, unknown>>) : [];
}

const INPUT_PIECES = ['{"city', '": "Par', 'is"}'];

function message(model: string, tools: Array<{ name: string }>): unknown {
  const content =
    tools.length > 0
      ? tools.slice(0, 2).map((tool, i) => ({
          type: 'tool_use',
          id: `toolu_stub_${i}`,
          name: tool.name,
          input: { city: 'Paris' },
        }))
      : [{ type: 'text', text: ANTHROPIC_STUB_TEXT }];
  return {
    id: ANTHROPIC_STUB_MESSAGE_ID,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: tools.length > 0 ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 12, output_tokens: 8 },
  };
}

function streamEvents(model: string, tools: Array<{ name: string }>): Array<{ type: string }> {
  const start = {
    type: 'message_start',
    message: {
      ...(message(model, []) as object),
      content: [],
      stop_reason: null,
      usage: { input_tokens: 12, output_tokens: 1 },
    },
  };
  const text = [
    { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
    { type: 'ping' },
    ...ANTHROPIC_STUB_TEXT.split(/(?<= )/).map((piece) => ({
      type: 'content_block_delta',
      index: 0,
      delta: { type: 'text_delta', text: piece },
    })),
    { type: 'content_block_stop', index: 0 },
  ];
  const toolBlocks = tools.slice(0, 2).flatMap((tool, i) => [
    {
      type: 'content_block_start',
      index: i + 1,
      content_block: { type: 'tool_use', id: `toolu_stub_${i}`, name: tool.name, input: {} },
    },
    {
      type: 'content_block_delta',
      index: i + 1,
      delta: { type: 'input_json_delta', partial_json: '' },
    },
    ...INPUT_PIECES.map((piece) => ({
      type: 'content_block_delta',
      index: i + 1,
      delta: { type: 'input_json_delta', partial_json: piece },
    })),
    { type: 'content_block_stop', index: i + 1 },
  ]);
  const stopReason = tools.length > 0 ? 'tool_use' : 'end_turn';
  const events: Array<{ type: string; [key: string]: unknown }> = [
    start,
    ...text,
    ...toolBlocks,
    {
      type: 'message_delta',
      delta: { stop_reason: stopReason, stop_sequence: null },
      usage: { output_tokens: 8 },
    },
    { type: 'message_stop' },
  ];
  return events;
}
