import { readFileSync } from 'node:fs';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { join } from 'node:path';

/** A request as the stub upstream saw it on the wire. */
export interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export type StubHandler = (res: ServerResponse, req: IncomingMessage) => void;

/** Reads a recorded wire fixture from this folder. */
export function fixture(name: string): string {
  return readFileSync(join(__dirname, name), 'utf8');
}

/** A real HTTP server that records what it receives and replays whatever the test says. */
export class UpstreamStub {
  readonly requests: RecordedRequest[] = [];
  connections = 0;
  private readonly sockets = new Set<Socket>();
  private readonly closeWaiters: Array<() => void> = [];
  private handler: StubHandler = (res) => res.writeHead(404).end();

  private constructor(private readonly server: Server) {
    server.on('connection', (socket: Socket) => {
      this.connections += 1;
      this.sockets.add(socket);
      socket.on('close', () => {
        this.sockets.delete(socket);
        this.closeWaiters.splice(0).forEach((resolve) => resolve());
      });
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        this.requests.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body,
        });
        this.handler(res, req);
      });
    });
  }

  static async start(): Promise<UpstreamStub> {
    const server = createServer({ keepAliveTimeout: 30_000 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return new UpstreamStub(server);
  }

  get origin(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  get lastRequest(): RecordedRequest {
    const last = this.requests.at(-1);
    if (!last) throw new Error('The stub received no request');
    return last;
  }

  reply(handler: StubHandler): void {
    this.handler = handler;
  }

  replyJson(status: number, body: string, headers: Record<string, string> = {}): void {
    this.reply((res) =>
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body),
    );
  }

  replySse(body: string): void {
    this.reply((res) => res.writeHead(200, { 'content-type': 'text/event-stream' }).end(body));
  }

  /** Resolves when the next client socket closes. */
  nextSocketClose(): Promise<void> {
    return new Promise((resolve) => this.closeWaiters.push(resolve));
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
