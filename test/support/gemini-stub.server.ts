import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the Gemini stub received it: path and query apart, body parsed. */
export interface GeminiRecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: Record<string, unknown>;
}

/** How the stub answers the next request on a path; without one it answers like Gemini. */
export type GeminiStubBehaviour =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  /** `alt=sse` events (`data: <json>` + CRLF CRLF, as Google writes them); `cut` drops the socket. */
  | { kind: 'sse'; events: unknown[]; gapMs?: number; cut?: boolean }
  /** A recorded body sent verbatim (e.g. an `.sse` fixture). */
  | { kind: 'raw'; status: number; body: string; contentType: string }
  | { kind: 'hang' };

export const GEMINI_STUB_TEXT = 'Hello from the Gemini stub.';
const USAGE = { promptTokenCount: 9, candidatesTokenCount: 6, totalTokenCount: 15 };

/**
 * An upstream speaking the Gemini API's wire format over real HTTP: `:generateContent`,
 * `:streamGenerateContent?alt=sse` and `:batchEmbedContents` under `/v1beta/models/`, Google error
 * bodies, and a function call when the request declares tools. Records every request.
 */
export class GeminiStubServer {
  readonly requests: GeminiRecordedRequest[] = [];
  abortedRequests = 0;
  private readonly scripted = new Map<string, GeminiStubBehaviour[]>();
  private server?: Server;

  /** Starts on a free port; resolves to the API base (`…/v1beta`). */
  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    return `${this.origin}/v1beta`;
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

  /** Queues behaviours for `path`, e.g. `/v1beta/models/gemini-2.0-flash:generateContent`. */
  script(path: string, ...behaviours: GeminiStubBehaviour[]): void {
    this.scripted.set(path, [...(this.scripted.get(path) ?? []), ...behaviours]);
  }

  last(): GeminiRecordedRequest {
    const last = this.requests[this.requests.length - 1];
    if (!last) throw new Error('the Gemini stub received no request');
    return last;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    const [path = '/', query = ''] = (req.url ?? '/').split('?');
    this.requests.push({ method: req.method ?? 'GET', path, query, headers: req.headers, body });
    res.on('close', () => {
      if (!res.writableFinished) this.abortedRequests++;
    });
    const behaviour = this.scripted.get(path)?.shift() ?? defaultBehaviour(path, query, body);
    await respond(res, behaviour);
  }
}

async function respond(res: ServerResponse, behaviour: GeminiStubBehaviour): Promise<void> {
  switch (behaviour.kind) {
    case 'hang':
      return;
    case 'json':
      res.writeHead(behaviour.status, { 'content-type': 'application/json; charset=UTF-8' });
      res.end(JSON.stringify(behaviour.body));
      return;
    case 'raw':
      res.writeHead(behaviour.status, { 'content-type': behaviour.contentType });
      res.end(behaviour.body);
      return;
    case 'sse':
      await streamEvents(res, behaviour);
  }
}

async function streamEvents(
  res: ServerResponse,
  behaviour: Extract<GeminiStubBehaviour, { kind: 'sse' }>,
): Promise<void> {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const event of behaviour.events) {
    if (res.destroyed) return;
    res.write(`data: ${JSON.stringify(event)}\r\n\r\n`);
    if (behaviour.gapMs) await new Promise((resolve) => setTimeout(resolve, behaviour.gapMs));
  }
  if (behaviour.cut) res.socket?.destroy();
  else res.end();
}

/** Google's error body, e.g. `googleError(404, 'NOT_FOUND', '…')`. */
export function googleError(code: number, status: string, message: string): GeminiStubBehaviour {
  return { kind: 'json', status: code, body: { error: { code, message, status } } };
}

function firstFunctionName(body: Record<string, unknown>): string | undefined {
  const tools = body.tools as Array<{ functionDeclarations?: Array<{ name: string }> }> | undefined;
  return tools?.[0]?.functionDeclarations?.[0]?.name;
}

function defaultBehaviour(
  path: string,
  query: string,
  body: Record<string, unknown>,
): GeminiStubBehaviour {
  const match = /^\/v1beta\/models\/([^:]+):(\w+)$/.exec(path);
  const [, model, method] = match ?? [];
  const name = firstFunctionName(body);
  const part = name
    ? { functionCall: { name, args: { city: 'Paris' } } }
    : { text: GEMINI_STUB_TEXT };
  const candidate = { content: { role: 'model', parts: [part] }, finishReason: 'STOP', index: 0 };
  if (method === 'generateContent') {
    const answer = { candidates: [candidate], usageMetadata: USAGE, modelVersion: model };
    return { kind: 'json', status: 200, body: answer };
  }
  if (method === 'streamGenerateContent' && query.includes('alt=sse')) {
    return { kind: 'sse', events: streamEventsFor(model ?? '', name) };
  }
  if (method === 'batchEmbedContents') {
    const requests = (body.requests as unknown[] | undefined) ?? [];
    return {
      kind: 'json',
      status: 200,
      body: { embeddings: requests.map(() => ({ values: [0.5, -0.25, 1] })) },
    };
  }
  return googleError(404, 'NOT_FOUND', `stub: no route ${path}`);
}

function streamEventsFor(model: string, functionName: string | undefined): unknown[] {
  const words = GEMINI_STUB_TEXT.split(' ');
  const events: unknown[] = words.map((word, i) => ({
    candidates: [
      { content: { role: 'model', parts: [{ text: i === 0 ? word : ` ${word}` }] }, index: 0 },
    ],
    usageMetadata: { promptTokenCount: 9, totalTokenCount: 9 },
    modelVersion: model,
  }));
  const last = functionName
    ? { functionCall: { name: functionName, args: { city: 'Paris' } } }
    : { text: '' };
  events.push({
    candidates: [{ content: { role: 'model', parts: [last] }, finishReason: 'STOP', index: 0 }],
    usageMetadata: USAGE,
    modelVersion: model,
  });
  return events;
}
