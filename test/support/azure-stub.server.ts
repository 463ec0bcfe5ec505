import { responsesEvents, responsesObject } from './openai-responses.stub';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A request as the Azure stub received it. */
export interface AzureRecordedRequest {
  readonly method: string;
  /** Path without the query, e.g. `/openai/deployments/gpt-4o/chat/completions`. */
  readonly path: string;
  readonly apiVersion: string | null;
  readonly headers: IncomingMessage['headers'];
  readonly body: Record<string, unknown>;
}

/** A scripted answer for the next request (any endpoint); without one the stub answers like Azure. */
export interface AzureStubReply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

const DEPLOYMENT_PATH =
  /^\/openai\/deployments\/([^/]+)\/(chat\/completions|completions|embeddings)$/;
const CREATED = 1_733_925_478;
const FILTER_OK = {
  hate: { filtered: false, severity: 'safe' },
  self_harm: { filtered: false, severity: 'safe' },
  sexual: { filtered: false, severity: 'safe' },
  violence: { filtered: false, severity: 'safe' },
};
const PROMPT_FILTER = [{ prompt_index: 0, content_filter_results: FILTER_OK }];
export const AZURE_STUB_TEXT = 'Hello from the Azure stub.';
/** The tool-call arguments the stub streams in pieces. */
export const AZURE_STUB_ARGUMENTS = '{"city":"Paris"}';

/**
 * An Azure OpenAI data plane over real HTTP: `/openai/deployments/{name}/…?api-version=…`, auth by
 * `api-key` or `Authorization: Bearer`, prompt/content filter annotations, and an Azure-style
 * streamed tool call (a leading prompt-filter chunk with empty `choices`).
 */
export class AzureStubServer {
  readonly requests: AzureRecordedRequest[] = [];
  private readonly scripted: AzureStubReply[] = [];
  private server?: Server;

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

  script(...replies: AzureStubReply[]): void {
    this.scripted.push(...replies);
  }

  last(): AzureRecordedRequest {
    const last = this.requests.at(-1);
    if (!last) throw new Error('the Azure stub received no request');
    return last;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    const url = new URL(req.url ?? '/', 'http://stub');
    const apiVersion = url.searchParams.get('api-version');
    this.requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      apiVersion,
      headers: req.headers,
      body,
    });
    const scripted = this.scripted.shift();
    if (scripted) return json(res, scripted.status, scripted.body, scripted.headers);
    if (!req.headers['api-key'] && !req.headers.authorization) {
      return json(res, 401, {
        error: { code: '401', message: 'Access denied due to missing subscription key.' },
      });
    }
    // The Responses API lives on Azure's deployment-less v1 surface (no api-version).
    if (url.pathname === '/openai/v1/responses') return this.answerResponses(res, body);
    if (!apiVersion)
      return json(res, 404, { error: { code: '404', message: 'Resource not found' } });
    const route = DEPLOYMENT_PATH.exec(url.pathname);
    if (!route) return json(res, 404, { error: { code: '404', message: 'Resource not found' } });
    this.answer(res, route[2]!, body);
  }

  private answerResponses(res: ServerResponse, body: Record<string, unknown>): void {
    if (body.stream !== true) return json(res, 200, responsesObject(body));
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    for (const event of responsesEvents(body)) {
      res.write(`event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`);
    }
    res.end();
  }

  private answer(res: ServerResponse, endpoint: string, body: Record<string, unknown>): void {
    if (endpoint === 'embeddings') return json(res, 200, embeddings(body));
    if (endpoint === 'completions') return json(res, 200, textCompletion());
    const tools = Array.isArray(body.tools)
      ? (body.tools as Array<{ function: { name: string } }>)
      : [];
    const tool = tools[0]?.function.name;
    if (body.stream !== true) return json(res, 200, chatCompletion(tool));
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const usage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage;
    for (const chunk of chatChunks(tool, usage === true))
      res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    res.end('data: [DONE]\n\n');
  }
}

function json(res: ServerResponse, status: number, body: unknown, headers = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

function chatCompletion(tool: string | undefined): unknown {
  const message = tool
    ? {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_azure_1',
            type: 'function',
            function: { name: tool, arguments: AZURE_STUB_ARGUMENTS },
          },
        ],
      }
    : { role: 'assistant', content: AZURE_STUB_TEXT, refusal: null };
  return {
    id: 'chatcmpl-azure-1',
    object: 'chat.completion',
    created: CREATED,
    model: 'gpt-4o-2024-08-06',
    prompt_filter_results: PROMPT_FILTER,
    choices: [
      {
        index: 0,
        message,
        finish_reason: tool ? 'tool_calls' : 'stop',
        logprobs: null,
        content_filter_results: FILTER_OK,
      },
    ],
    usage: { prompt_tokens: 19, completion_tokens: 10, total_tokens: 29 },
    system_fingerprint: 'fp_azure',
  };
}

function chatChunks(tool: string | undefined, includeUsage: boolean): unknown[] {
  const base = {
    id: 'chatcmpl-azure-2',
    object: 'chat.completion.chunk',
    created: CREATED,
    model: 'gpt-4o-2024-08-06',
  };
  const choice = (delta: unknown, finish: string | null = null) => ({
    ...base,
    choices: [
      { index: 0, delta, finish_reason: finish, logprobs: null, content_filter_results: {} },
    ],
  });
  // Azure opens every stream with the prompt's filter results and no choices.
  const chunks: unknown[] = [
    {
      id: '',
      object: '',
      created: 0,
      model: '',
      choices: [],
      prompt_filter_results: PROMPT_FILTER,
    },
  ];
  if (tool) {
    chunks.push(
      choice({
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            index: 0,
            id: 'call_azure_2',
            type: 'function',
            function: { name: tool, arguments: '' },
          },
        ],
      }),
    );
    for (const piece of ['{"', 'city', '":"', 'Paris', '"}']) {
      chunks.push(choice({ tool_calls: [{ index: 0, function: { arguments: piece } }] }));
    }
    chunks.push(choice({}, 'tool_calls'));
  } else {
    chunks.push(choice({ role: 'assistant', content: '' }));
    const words = AZURE_STUB_TEXT.split(' ');
    words.forEach((word, i) => chunks.push(choice({ content: i === 0 ? word : ` ${word}` })));
    chunks.push(choice({}, 'stop'));
  }
  if (includeUsage) {
    chunks.push({
      ...base,
      choices: [],
      usage: { prompt_tokens: 19, completion_tokens: 6, total_tokens: 25 },
    });
  }
  return chunks;
}

function textCompletion(): unknown {
  return {
    id: 'cmpl-azure-1',
    object: 'text_completion',
    created: CREATED,
    model: 'gpt-35-turbo-instruct',
    choices: [{ index: 0, text: ' from Azure', finish_reason: 'stop', logprobs: null }],
    usage: { prompt_tokens: 2, completion_tokens: 3, total_tokens: 5 },
  };
}

function embeddings(body: Record<string, unknown>): unknown {
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  const vector = [0.5, -0.25, 0.125];
  // The openai SDK asks for base64 by default and decodes it.
  const embedding =
    body.encoding_format === 'base64'
      ? Buffer.from(new Float32Array(vector).buffer).toString('base64')
      : vector;
  return {
    object: 'list',
    model: 'text-embedding-3-small',
    data: inputs.map((_, index) => ({
      object: 'embedding',
      index,
      embedding,
    })),
    usage: { prompt_tokens: 3, total_tokens: 3 },
  };
}
