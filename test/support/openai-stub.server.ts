import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chatChunks, chatCompletion, embeddings, textCompletion } from './openai-chat.stub';
import { responsesEvents, responsesObject } from './openai-responses.stub';

export { STUB_TEXT } from './openai-chat.stub';

/** A request as the stub received it, for asserting exactly what the gateway sent upstream. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Record<string, unknown>;
}

/**
 * How the stub answers the next request(s) on a path; without one it answers like OpenAI.
 * `delayMs` (any kind) waits that long before the status line, e.g. for latency or timeouts.
 */
export type StubBehaviour = (
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
  /**
   * 200, `chunks`, then the event `data: {"error": <error>}` and the end of the stream without
   * [DONE]: how OpenAI reports a failure inside a stream that has already started.
   */
  | { kind: 'sse-error-after'; chunks: unknown[]; error: unknown; gapMs?: number }
  /** 200 (headers flushed), `chunks` (possibly none), then the socket closes without [DONE]. */
  | { kind: 'sse-close'; chunks: unknown[]; gapMs?: number }
  /** Never answers (for timeouts and client-abort tests). */
  | { kind: 'hang' }
) & { delayMs?: number };

type SseBehaviour = Extract<StubBehaviour, { kind: 'sse' }>;

/** How the stub answers a request, chosen from its body. */
export type StubResponder = (body: Record<string, unknown>) => StubBehaviour;

/**
 * An upstream that speaks OpenAI's wire format over real HTTP: chat completions (JSON and SSE,
 * include_usage, n, tool calls echoed from the request), completions, embeddings, responses.
 * Per path, an answer comes from the first of: a persistent failure (`failAll`), the next
 * scripted behaviour (`script`), the default OpenAI-like answer.
 */
export class OpenAiStubServer {
  readonly requests: RecordedRequest[] = [];
  /** Requests whose client went away before the stub finished answering. */
  abortedRequests = 0;
  connections = 0;
  /**
   * When set, `/v1/embeddings` answers each input with `embed(input)` (a deterministic stand-in
   * for an embedding model); otherwise every input gets the same fixed vector.
   */
  embed: ((input: string) => number[]) | undefined;
  private readonly scripted = new Map<string, StubBehaviour[]>();
  private readonly failures = new Map<string, StubBehaviour>();
  private readonly responders = new Map<string, StubResponder>();
  private readonly counts = new Map<string, number>();
  private countWaiters: Array<() => void> = [];
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

  /**
   * Answers every request to `path` with `behaviour` until `clearFailures`, ahead of scripted
   * behaviours (which stay queued). Replaces an earlier failure on the same path.
   */
  failAll(path: string, behaviour: StubBehaviour): void {
    this.failures.set(path, behaviour);
  }

  /**
   * Answers each request to `path` that has no failure or scripted behaviour with
   * `responder(body)`, until called again with undefined: an upstream that reads what it is asked
   * (a guard model judging each prompt), whatever order concurrent requests arrive in.
   */
  respondWith(path: string, responder: StubResponder | undefined): void {
    if (responder === undefined) this.responders.delete(path);
    else this.responders.set(path, responder);
  }

  /** Ends the persistent failure of `path`, or of every path when none is given. */
  clearFailures(path?: string): void {
    if (path === undefined) this.failures.clear();
    else this.failures.delete(path);
  }

  /** How many requests reached `path` since the stub started (whatever they were answered). */
  count(path: string): number {
    return this.counts.get(path) ?? 0;
  }

  /** Resolves once `count(path)` reaches `atLeast`; rejects after `timeoutMs`. */
  async waitForCount(path: string, atLeast: number, timeoutMs = 5000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    let waiter: (() => void) | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        waiter = () => this.count(path) >= atLeast && resolve();
        this.countWaiters.push(waiter);
        timer = setTimeout(
          () => reject(new Error(`stub: ${path} got ${this.count(path)} of ${atLeast} requests`)),
          timeoutMs,
        );
        waiter();
      });
    } finally {
      clearTimeout(timer);
      this.countWaiters = this.countWaiters.filter((other) => other !== waiter);
    }
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
    this.record({ method: req.method ?? 'GET', path, headers: req.headers, body });
    res.on('close', () => {
      if (!res.writableFinished) this.abortedRequests++;
    });
    const behaviour =
      this.failures.get(path) ??
      this.scripted.get(path)?.shift() ??
      this.responders.get(path)?.(body) ??
      this.defaultBehaviour(path, body);
    if (behaviour.delayMs) {
      await new Promise((resolve) => setTimeout(resolve, behaviour.delayMs));
      if (res.destroyed) return;
    }
    await this.respond(res, behaviour);
  }

  private record(request: RecordedRequest): void {
    this.requests.push(request);
    this.counts.set(request.path, this.count(request.path) + 1);
    for (const waiter of this.countWaiters) waiter();
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
        return this.stream(res, behaviour);
      case 'sse-error-after': {
        const chunks = [...behaviour.chunks, { error: behaviour.error }];
        return this.stream(res, { kind: 'sse', chunks, gapMs: behaviour.gapMs, done: false });
      }
      case 'sse-close':
        return this.stream(res, { ...behaviour, kind: 'sse', cut: true });
    }
  }

  private async stream(res: ServerResponse, behaviour: SseBehaviour): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    // The status line goes out now, so a stream cut before any chunk still reads as a 200.
    res.flushHeaders();
    for (const chunk of behaviour.chunks) {
      if (res.destroyed) return;
      const name = behaviour.named ? `event: ${(chunk as { type: string }).type}\n` : '';
      res.write(`${name}data: ${typeof chunk === 'string' ? chunk : JSON.stringify(chunk)}\n\n`);
      if (behaviour.gapMs) await new Promise((resolve) => setTimeout(resolve, behaviour.gapMs));
    }
    if (behaviour.cut) {
      const socket = res.socket;
      // Destroying drops what the socket still buffers: the chunks must reach the client first.
      // Writes complete in order: an empty one's callback runs once the chunks are out.
      if (socket) await new Promise((resolve) => socket.write('', resolve));
      socket?.destroy();
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
      const answer = this.embed ? embeddedInputs(model, body, this.embed) : embeddings(model, body);
      return { kind: 'json', status: 200, body: answer };
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

/** An OpenAI embeddings answer with `embed(input)` for each input, floats or base64 float32. */
function embeddedInputs(
  model: string,
  body: Record<string, unknown>,
  embed: (input: string) => number[],
): unknown {
  const inputs: unknown[] = Array.isArray(body.input) ? body.input : [body.input];
  const base64 = body.encoding_format === 'base64';
  return {
    object: 'list',
    model,
    data: inputs.map((input, index) => {
      const vector = embed(String(input));
      return {
        object: 'embedding',
        index,
        embedding: base64
          ? Buffer.from(new Float32Array(vector).buffer).toString('base64')
          : vector,
      };
    }),
    usage: { prompt_tokens: inputs.length, total_tokens: inputs.length },
  };
}
