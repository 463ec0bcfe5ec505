import { GatewayTracer } from '@routeiq/observability';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type GatewayException,
  HostedToolProvider,
  sendJson,
  type GatewayRequest,
  type GatewayResponse,
  type HostedToolset,
} from '@routeiq/common';
import type { ChatCompletion, ChatCompletionRequest } from '@routeiq/providers';
import { CHAT_OPERATION } from '../inference-operation';
import type { InferenceService } from '../inference.service';
import type { RequestStages } from '../hooks/request-stages.service';
import {
  HostedToolChat,
  MCP_TOOL_LIMIT_HEADER,
  MCP_TOOL_TURNS_HEADER,
} from './hosted-tool-chat.service';

function completion(message: Record<string, unknown>, total: number): ChatCompletion {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt',
    choices: [{ index: 0, message: { role: 'assistant', ...message }, finish_reason: 'stop' }],
    usage: { prompt_tokens: total - 1, completion_tokens: 1, total_tokens: total },
  };
}

const toolCall = { id: 'c1', type: 'function', function: { name: 'srv__t', arguments: '{}' } };

/** Stands in for the routed path: records what the service asked of it. */
class FakeInference {
  readonly runs: unknown[] = [];
  readonly turns: ChatCompletionRequest[] = [];
  answers: ChatCompletion[] = [];

  parse(_op: unknown, body: unknown) {
    return { request: CHAT_OPERATION.parse(body), routing: {} };
  }
  run(_op: unknown, body: unknown, _req: GatewayRequest, res: GatewayResponse): Promise<void> {
    this.runs.push(body);
    sendJson(res, 200, { relayed: true });
    return Promise.resolve();
  }
  answer(_op: unknown, request: ChatCompletionRequest) {
    this.turns.push(request);
    const result = this.answers.shift();
    if (!result) throw new Error('no scripted answer left');
    return Promise.resolve({ result, headers: { 'x-routeiq-deployment': 'dep-1' } });
  }
}

class FakeProvider extends HostedToolProvider {
  executable = true;
  maxTurns = 3;
  resolve(): Promise<HostedToolset> {
    return Promise.resolve({
      definitions: [{ type: 'function', function: { name: 'srv__t', parameters: {} } }],
      executable: this.executable,
      maxTurns: this.maxTurns,
      owns: (name) => name === 'srv__t',
      execute: () => Promise.resolve('tool output'),
    });
  }
}

// No plugin takes part: the stages begin nothing (the e2e suites cover plugins on the loop).
const NO_PLUGINS = { beginUncached: () => undefined } as unknown as RequestStages;

describe(HostedToolChat.name, () => {
  let server: Server;
  let base: string;
  let inference: FakeInference;
  let provider: FakeProvider | undefined;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        const chat = new HostedToolChat(
          inference as unknown as InferenceService,
          NO_PLUGINS,
          new GatewayTracer(),
          provider,
        );
        chat.run(JSON.parse(text), req as GatewayRequest, res).catch((error: GatewayException) => {
          sendJson(res, error.status ?? 500, { error: { code: error.code, param: error.param } });
        });
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  beforeEach(() => {
    inference = new FakeInference();
    provider = new FakeProvider();
  });

  function post(body: Record<string, unknown>) {
    return fetch(base, { method: 'POST', body: JSON.stringify(body) });
  }

  const body = {
    model: 'gpt',
    messages: [{ role: 'user', content: 'hi' }],
    tools: [
      { type: 'function', function: { name: 'mine' } },
      { type: 'mcp', server_label: 'srv' },
    ],
  };

  it('answers 400 naming the entry when no provider serves MCP tools', async () => {
    provider = undefined;
    const res = await post(body);
    expect(res.status).toBe(400);
    await expect(res.json()).resolves.toEqual({
      error: { code: 'invalid_request', param: 'tools[1]' },
    });
  });

  it('sends a non-executable toolset down the normal path with the tools expanded', async () => {
    provider!.executable = false;
    const res = await post({ ...body, stream: true });
    await expect(res.json()).resolves.toEqual({ relayed: true });
    expect(inference.runs).toEqual([
      {
        ...body,
        stream: true,
        tools: [body.tools[0], { type: 'function', function: { name: 'srv__t', parameters: {} } }],
      },
    ]);
    expect(inference.turns).toHaveLength(0);
  });

  it('runs the loop and answers with the last turn, usage summed, turns in a header', async () => {
    inference.answers = [
      completion({ content: null, tool_calls: [toolCall] }, 10),
      completion({ content: 'done' }, 20),
    ];
    const res = await post(body);
    expect(res.status).toBe(200);
    expect(res.headers.get(MCP_TOOL_TURNS_HEADER)).toBe('1');
    expect(res.headers.get(MCP_TOOL_LIMIT_HEADER)).toBeNull();
    expect(res.headers.get('x-routeiq-deployment')).toBe('dep-1');
    const json = (await res.json()) as ChatCompletion;
    expect(json.choices[0]?.message.content).toBe('done');
    expect(json.usage).toEqual({ prompt_tokens: 28, completion_tokens: 2, total_tokens: 30 });
    expect(inference.turns[1]?.messages.at(-1)).toEqual({
      role: 'tool',
      tool_call_id: 'c1',
      content: 'tool output',
    });
    expect(inference.runs).toHaveLength(0);
  });

  it('streams the final answer as SSE when the client asked for a stream', async () => {
    inference.answers = [
      completion({ content: null, tool_calls: [toolCall] }, 10),
      completion({ content: 'done' }, 20),
    ];
    const res = await post({ ...body, stream: true, stream_options: { include_usage: true } });
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    expect(inference.turns.map((turn) => turn.stream)).toEqual([undefined, undefined]);
    const events = (await res.text()).split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events
      .slice(0, -1)
      .map((event) => JSON.parse(event.slice(6)) as Record<string, unknown>);
    expect(chunks[0]).toMatchObject({
      choices: [{ delta: { role: 'assistant', content: 'done' } }],
    });
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { total_tokens: 30 } });
  });

  it('says so in a header when the turn limit ended the loop', async () => {
    provider!.maxTurns = 1;
    inference.answers = [
      completion({ content: null, tool_calls: [toolCall] }, 10),
      completion({ content: null, tool_calls: [toolCall] }, 10),
    ];
    const res = await post(body);
    expect(res.headers.get(MCP_TOOL_TURNS_HEADER)).toBe('1');
    expect(res.headers.get(MCP_TOOL_LIMIT_HEADER)).toBe('reached');
    const json = (await res.json()) as ChatCompletion;
    expect(json.choices[0]?.message.tool_calls).toEqual([toolCall]);
  });
});
