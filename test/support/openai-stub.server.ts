import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { responsesEvents, responsesObject } from './openai-responses.stub';

/** A request as the stub received it, for asserting exactly what the gateway sent upstream. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Record<string, unknown>;
}

/** How the stub answers the next request(s) on a path; without one it answers like OpenAI. */
export type StubBehaviour =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'raw'; status: number; body: string; contentType: string }
  /**
   * Streams `chunks` as SSE; `gapMs` between chunks; `cut` ends the socket before [DONE];
   * `named` precedes each with `event: <its type>` (the Responses API framing).
   */
  | {
      kind: 'sse';
      chunks: unknown[];
      gapMs?: number;
      cut?: boolean;
      done?: boolean;
      named?: boolean;
    }
  /** Never answers (for timeouts and client-abort tests). */
  | { kind: 'hang' };

const CREATED = 1_700_000_000;

/**
 * An upstream that speaks OpenAI's wire format over real HTTP: chat completions (JSON and SSE,
 * include_usage, n, tool calls echoed from the request), completions, embeddings.
 */
export class OpenAiStubServer {
  readonly requests: RecordedRequest[] = [];
  /** Requests whose client went away before the stub finished answering. */
  abortedRequests = 0;
  connections = 0;
  private readonly scripted = new Map<string, StubBehaviour[]>();
  private server?: Server;

  /** Starts on a free port; resolves to the base URL including `/v1`. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.on('connection', () => this.connections++);
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `${this.origin}/v1`;
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

  /** Queues a behaviour for the next request to `path` (e.g. `/v1/chat/completions`). */
  script(path: string, ...behaviours: StubBehaviour[]): void {
    this.scripted.set(path, [...(this.scripted.get(path) ?? []), ...behaviours]);
  }

  last(): RecordedRequest {
    const last = this.requests[this.requests.length - 1];
    if (!last) throw new Error('the stub received no request');
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
    const behaviour = this.scripted.get(path)?.shift() ?? this.defaultBehaviour(path, body);
    await this.respond(res, behaviour);
  }

  private async respond(res: ServerResponse, behaviour: StubBehaviour): Promise<void> {
    switch (behaviour.kind) {
      case 'hang':
        return;
      case 'json':
        res.writeHead(behaviour.status, {
          'content-type': 'application/json',
          ...behaviour.headers,
        });
        res.end(JSON.stringify(behaviour.body));
        return;
      case 'raw':
        res.writeHead(behaviour.status, { 'content-type': behaviour.contentType });
        res.end(behaviour.body);
        return;
      case 'sse':
        await this.stream(res, behaviour);
    }
  }

  private async stream(
    res: ServerResponse,
    behaviour: Extract<StubBehaviour, { kind: 'sse' }>,
  ): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for (const chunk of behaviour.chunks) {
      if (res.destroyed) return;
      const name = behaviour.named ? `event: ${(chunk as { type: string }).type}\n` : '';
      res.write(`${name}data: ${typeof chunk === 'string' ? chunk : JSON.stringify(chunk)}\n\n`);
      if (behaviour.gapMs) await new Promise((resolve) => setTimeout(resolve, behaviour.gapMs));
    }
    if (behaviour.cut) {
      res.socket?.destroy();
      return;
    }
    if (behaviour.done !== false) res.write('data: [DONE]\n\n');
    res.end();
  }

  private defaultBehaviour(path: string, body: Record<string, unknown>): StubBehaviour {
    const model = String(body.model);
    if (path === '/v1/chat/completions') {
      return body.stream === true
        ? { kind: 'sse', chunks: chatChunks(model, body) }
        : { kind: 'json', status: 200, body: chatCompletion(model, body) };
    }
    if (path === '/v1/responses') {
      return body.stream === true
        ? { kind: 'sse', chunks: responsesEvents(body), named: true, done: false }
        : { kind: 'json', status: 200, body: responsesObject(body) };
    }
    if (path === '/v1/completions') {
      return { kind: 'json', status: 200, body: textCompletion(model) };
    }
    if (path === '/v1/embeddings') {
      return { kind: 'json', status: 200, body: embeddings(model, body) };
    }
    return {
      kind: 'json',
      status: 404,
      body: {
        error: {
          message: `stub: no route ${path}`,
          type: 'invalid_request_error',
          code: null,
          param: null,
        },
      },
    };
  }
}

export const STUB_TEXT = 'Hello from the stub upstream.';

function chatCompletion(model: string, body: Record<string, unknown>): unknown {
  const n = typeof body.n === 'number' ? body.n : 1;
  const tools = Array.isArray(body.tools)
    ? (body.tools as Array<{ function: { name: string } }>)
    : [];
  const choices = Array.from({ length: n }, (_, index) =>
    tools.length > 0
      ? {
          index,
          message: {
            role: 'assistant',
            content: null,
            tool_calls: [
              {
                id: `call_${index}`,
                type: 'function',
                function: { name: tools[0]!.function.name, arguments: '{"city":"Paris"}' },
              },
            ],
          },
          finish_reason: 'tool_calls',
          logprobs: null,
        }
      : {
          index,
          message: { role: 'assistant', content: `${STUB_TEXT} #${index}` },
          finish_reason: 'stop',
          logprobs: null,
        },
  );
  return {
    id: 'chatcmpl-stub-1',
    object: 'chat.completion',
    created: CREATED,
    model: `${model}-2024-08-06`,
    choices,
    usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
    system_fingerprint: 'fp_stub',
  };
}

function chatChunks(model: string, body: Record<string, unknown>): unknown[] {
  const base = { id: 'chatcmpl-stub-2', object: 'chat.completion.chunk', created: CREATED, model };
  const includeUsage =
    (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
  const usageField = includeUsage ? { usage: null } : {};
  const words = STUB_TEXT.split(' ');
  const chunks: unknown[] = [
    {
      ...base,
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
      ...usageField,
    },
    ...words.map((word, i) => ({
      ...base,
      choices: [{ index: 0, delta: { content: i === 0 ? word : ` ${word}` }, finish_reason: null }],
      ...usageField,
    })),
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], ...usageField },
  ];
  if (includeUsage) {
    chunks.push({
      ...base,
      choices: [],
      usage: { prompt_tokens: 11, completion_tokens: 5, total_tokens: 16 },
    });
  }
  return chunks;
}

function textCompletion(model: string): unknown {
  return {
    id: 'cmpl-stub-1',
    object: 'text_completion',
    created: CREATED,
    model,
    choices: [
      { index: 0, text: ' a completion from the stub', finish_reason: 'stop', logprobs: null },
    ],
    usage: { prompt_tokens: 3, completion_tokens: 6, total_tokens: 9 },
  };
}

function embeddings(model: string, body: Record<string, unknown>): unknown {
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const vector = [0.25, -0.5, 0.125, 1];
  const encode = body.encoding_format === 'base64';
  return {
    object: 'list',
    model,
    data: inputs.map((_, index) => ({
      object: 'embedding',
      index,
      embedding: encode ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector,
    })),
    usage: { prompt_tokens: 4, total_tokens: 4 },
  };
}
