import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One JSON-RPC request the fake agent received. */
export interface ReceivedCall {
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: { method: string; id: unknown; params: unknown };
}

export type AgentHandler = (
  call: ReceivedCall,
  res: ServerResponse,
  req: IncomingMessage,
) => void | Promise<void>;

/** A node:http A2A agent on loopback whose answers each test scripts. */
export class FakeA2aAgent {
  readonly calls: ReceivedCall[] = [];
  handler: AgentHandler = (call, res) => answer(res, call.body.id, { ok: true });
  private server: Server | undefined;

  get url(): string {
    const { port } = this.server!.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.onRequest(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const call: ReceivedCall = {
      path: req.url ?? '/',
      headers: req.headers,
      body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as ReceivedCall['body'],
    };
    this.calls.push(call);
    await this.handler(call, res, req);
  }
}

/** A JSON-RPC success answer. */
export function answer(
  res: ServerResponse,
  id: unknown,
  result: unknown,
  headers: Record<string, string | string[]> = {},
): void {
  const body = JSON.stringify({ jsonrpc: '2.0', id, result });
  res.writeHead(200, { ...headers, 'content-type': 'application/json' });
  res.end(body);
}

/** Starts an event stream. */
export function openStream(res: ServerResponse): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  res.flushHeaders();
}

/** One SSE event holding a JSON-RPC result. */
export function resultEvent(id: unknown, result: unknown): string {
  return `data: ${JSON.stringify({ jsonrpc: '2.0', id, result })}\n\n`;
}

/** A promise and the function that settles it. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open: () => void = () => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}
