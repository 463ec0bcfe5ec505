import { EventStreamCodec, type MessageHeaders } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the Bedrock stub received it: exact bytes, for signature checks. */
export interface BedrockRecordedRequest {
  readonly method: string;
  /** Path as sent, still percent-encoded (e.g. `/model/anthropic.claude-v2%3A1/converse`). */
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly rawBody: string;
  readonly body: Record<string, unknown>;
}

/** One frame of a ConverseStream body: an event, or an exception as AWS sends mid-stream. */
export type BedrockStubFrame =
  { event: string; payload: unknown } | { exception: string; message: string };

export type BedrockStubBehaviour =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  /**
   * Streams the frames, encoded with the SDK's EventStreamCodec. `writeBytes` slices the encoded
   * body into writes of that many bytes (so frames straddle TCP reads), `gapMs` apart; `cut`
   * destroys the socket after the last write, `dropTailBytes` leaves out the body's last bytes
   * (so a cut lands inside a frame).
   */
  | {
      kind: 'events';
      frames: BedrockStubFrame[];
      writeBytes?: number;
      gapMs?: number;
      cut?: boolean;
      dropTailBytes?: number;
    }
  | { kind: 'hang' };

export type BedrockOperation = 'converse' | 'converse-stream';

const codec = new EventStreamCodec(toUtf8, fromUtf8);
const PATH = /^\/model\/([^/]+)\/(converse|converse-stream)$/;
export const BEDROCK_STUB_TEXT = 'Hello from the Bedrock stub.';

/** Encodes one frame exactly as Bedrock does (headers, JSON body, both CRCs). */
export function encodeBedrockFrame(frame: BedrockStubFrame): Uint8Array {
  const json = { type: 'string', value: 'application/json' } as const;
  const headers: MessageHeaders =
    'event' in frame
      ? {
          ':event-type': { type: 'string', value: frame.event },
          ':content-type': json,
          ':message-type': { type: 'string', value: 'event' },
        }
      : {
          ':exception-type': { type: 'string', value: frame.exception },
          ':content-type': json,
          ':message-type': { type: 'string', value: 'exception' },
        };
  const body = 'event' in frame ? frame.payload : { message: frame.message };
  return codec.encode({ headers, body: fromUtf8(JSON.stringify(body)) });
}

/**
 * An AWS Bedrock Runtime upstream over real HTTP: Converse (JSON) and ConverseStream (binary
 * `application/vnd.amazon.eventstream`). It records every request; it does not check signatures
 * (specs re-verify them with SignatureV4 from the recorded request).
 */
export class BedrockStubServer {
  readonly requests: BedrockRecordedRequest[] = [];
  /** Requests whose client went away before the stub finished answering. */
  abortedRequests = 0;
  private readonly scripted = new Map<BedrockOperation, BedrockStubBehaviour[]>();
  private server?: Server;

  /** Starts on a free port; resolves to the origin to use as `api_base`. */
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

  /** Queues behaviours for the next calls of an operation; without one it answers by default. */
  script(operation: BedrockOperation, ...behaviours: BedrockStubBehaviour[]): void {
    this.scripted.set(operation, [...(this.scripted.get(operation) ?? []), ...behaviours]);
  }

  last(): BedrockRecordedRequest {
    const last = this.requests.at(-1);
    if (!last) throw new Error('the Bedrock stub received no request');
    return last;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const path = req.url ?? '/';
    const body = (rawBody ? JSON.parse(rawBody) : {}) as Record<string, unknown>;
    this.requests.push({ method: req.method ?? 'GET', path, headers: req.headers, rawBody, body });
    res.on('close', () => {
      if (!res.writableFinished) this.abortedRequests++;
    });
    const match = PATH.exec(path);
    if (req.method !== 'POST' || !match) {
      return this.respond(res, notFound(path));
    }
    const operation = match[2] as BedrockOperation;
    const behaviour = this.scripted.get(operation)?.shift() ?? defaultBehaviour(operation);
    await this.respond(res, behaviour);
  }

  private async respond(res: ServerResponse, behaviour: BedrockStubBehaviour): Promise<void> {
    if (behaviour.kind === 'hang') return;
    if (behaviour.kind === 'json') {
      res.writeHead(behaviour.status, {
        'content-type': 'application/json',
        'x-amzn-requestid': 'stub-request-1',
        ...behaviour.headers,
      });
      res.end(JSON.stringify(behaviour.body));
      return;
    }
    await streamFrames(res, behaviour);
  }
}

async function streamFrames(
  res: ServerResponse,
  behaviour: Extract<BedrockStubBehaviour, { kind: 'events' }>,
): Promise<void> {
  res.writeHead(200, {
    'content-type': 'application/vnd.amazon.eventstream',
    'x-amzn-requestid': 'stub-request-2',
  });
  const encoded = Buffer.concat(behaviour.frames.map(encodeBedrockFrame));
  const bytes = encoded.subarray(0, encoded.length - (behaviour.dropTailBytes ?? 0));
  const size = behaviour.writeBytes ?? bytes.length;
  for (let offset = 0; offset < bytes.length; offset += size) {
    if (res.destroyed) return;
    res.write(bytes.subarray(offset, offset + size));
    if (behaviour.gapMs) await new Promise((resolve) => setTimeout(resolve, behaviour.gapMs));
  }
  if (behaviour.cut) {
    res.socket?.destroy();
    return;
  }
  res.end();
}

function notFound(path: string): BedrockStubBehaviour {
  return {
    kind: 'json',
    status: 404,
    body: { message: `stub: no route ${path}` },
    headers: { 'x-amzn-errortype': 'UnknownOperationException:http://internal.amazon.com/coral/' },
  };
}

const STUB_USAGE = { inputTokens: 12, outputTokens: 6, totalTokens: 18 };

function defaultBehaviour(operation: BedrockOperation): BedrockStubBehaviour {
  if (operation === 'converse') {
    return {
      kind: 'json',
      status: 200,
      body: {
        output: { message: { role: 'assistant', content: [{ text: BEDROCK_STUB_TEXT }] } },
        stopReason: 'end_turn',
        usage: STUB_USAGE,
        metrics: { latencyMs: 120 },
      },
    };
  }
  const words = BEDROCK_STUB_TEXT.split(' ');
  return {
    kind: 'events',
    frames: [
      { event: 'messageStart', payload: { role: 'assistant', p: 'abcdefgh' } },
      ...words.map((word, i) => ({
        event: 'contentBlockDelta',
        payload: { contentBlockIndex: 0, delta: { text: i === 0 ? word : ` ${word}` }, p: 'ab' },
      })),
      { event: 'contentBlockStop', payload: { contentBlockIndex: 0, p: 'abc' } },
      { event: 'messageStop', payload: { stopReason: 'end_turn', p: 'abcd' } },
      { event: 'metadata', payload: { usage: STUB_USAGE, metrics: { latencyMs: 95 }, p: 'ab' } },
    ],
  };
}
