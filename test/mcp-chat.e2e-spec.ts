import OpenAI from 'openai';
import type { ChatCompletionTool } from 'openai/resources/chat/completions';
import {
  ADD_ARGS,
  answers,
  CHAT_PATH,
  callsAdd as callsTool,
  mcpToolLoop,
  TURNS_HEADER,
  usage,
} from './fixtures/mcp-tool-loop.fixtures';
import { userHeaders } from './support/http';
import { freePort, TEST_MASTER_KEY, type TestGateway } from './support/gateway-harness';

// An LLM agent through chat completions: the client names an MCP server in `tools`, the gateway
// lists its tools to the model (the OpenAI stub), runs the model's calls on the real MCP server
// (the MCP stub) and continues the loop.
const LIMIT_HEADER = 'x-routeiq-mcp-tool-limit';

type Approval = 'never' | 'always';
type Message = Record<string, unknown>;

const mcpTools = (label = 'alpha', approval: Approval = 'never'): ChatCompletionTool[] =>
  [
    { type: 'mcp', server_label: label, require_approval: approval },
  ] as unknown as ChatCompletionTool[];

/** A model answer calling `alpha__add` with `args`, as call `call_add_1`. */
const callsAdd = (args = ADD_ARGS) => callsTool(args, 'call_add_1');

describe('MCP tools in chat completions (openai SDK)', () => {
  const { model, mcp, register, record, startGateway } = mcpToolLoop();

  /** A gateway on the OpenAI stub with `alpha` registered (when the MCP gateway is on). */
  const start = async (env: Record<string, string>, withServer = true) => {
    const gw = await startGateway(env, withServer);
    const client = new OpenAI({ apiKey: TEST_MASTER_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    return { gw, client };
  };
  const ask = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'add 2+3' }] };

  describe('with tool invocation enabled', () => {
    let gw: TestGateway;
    let client: OpenAI;

    beforeAll(async () => {
      ({ gw, client } = await start({
        MCP_GATEWAY_ENABLED: 'true',
        LLMROUTER_ENABLE_MCP_TOOL_INVOCATION: 'true',
        MCP_MAX_TOOL_TURNS: '2',
      }));
    });
    afterAll(() => gw?.close());

    it('runs the model’s MCP tool call and answers with the model’s final text', async () => {
      const seen = record();
      model.script(CHAT_PATH, callsAdd(), answers('2 + 3 = 5'));
      const { data, response } = await client.chat.completions
        .create({ ...ask, tools: mcpTools() })
        .withResponse();

      expect(data.choices[0]!.message.content).toBe('2 + 3 = 5');
      expect(data.choices[0]!.finish_reason).toBe('stop');
      expect(data.usage).toMatchObject(usage(30, 9));
      expect(response.headers.get(TURNS_HEADER)).toBe('1');
      expect(response.headers.get(LIMIT_HEADER)).toBeNull();
      expect(seen.toolCalls().map((m) => m.params)).toEqual([
        expect.objectContaining({ name: 'add', arguments: { a: 2, b: 3 } }),
      ]);

      const [first, second, ...more] = seen.modelRequests();
      expect(more).toEqual([]);
      const listed = first!.body.tools as Array<{ type: string; function: { name: string } }>;
      expect(listed.every((tool) => tool.type === 'function')).toBe(true);
      expect(listed.map((tool) => tool.function.name).sort()).toEqual(
        ['alpha__add', 'alpha__echo', 'alpha__fail', 'alpha__slow'].sort(),
      );
      expect(listed.find((tool) => tool.function.name === 'alpha__add')).toEqual({
        type: 'function',
        function: {
          name: 'alpha__add',
          description: 'Adds two numbers',
          parameters: expect.objectContaining({ required: ['a', 'b'] }),
        },
      });
      const messages = second!.body.messages as Message[];
      expect(messages).toHaveLength(3);
      expect(messages[0]).toMatchObject({ role: 'user', content: 'add 2+3' });
      expect(messages[1]).toMatchObject({
        role: 'assistant',
        tool_calls: [
          {
            id: 'call_add_1',
            type: 'function',
            function: { name: 'alpha__add', arguments: ADD_ARGS },
          },
        ],
      });
      expect(messages[2]).toEqual({ role: 'tool', tool_call_id: 'call_add_1', content: '5' });
    });

    it('streams the final answer after running the tool', async () => {
      const seen = record();
      model.script(CHAT_PATH, callsAdd('{"a":40,"b":2}'), answers('The sum is 42.'));
      const { data: stream, response } = await client.chat.completions
        .create({
          ...ask,
          tools: mcpTools(),
          stream: true,
          stream_options: { include_usage: true },
        })
        .withResponse();
      expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
      expect(response.headers.get(TURNS_HEADER)).toBe('1');

      const chunks = [];
      for await (const chunk of stream) chunks.push(chunk);
      const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
      expect(text).toBe('The sum is 42.');
      const finish = chunks.flatMap((chunk) => chunk.choices.map((c) => c.finish_reason));
      expect(finish.filter((reason) => reason !== null)).toEqual(['stop']);
      expect(chunks.at(-1)!.usage).toMatchObject(usage(30, 9));
      expect(seen.toolCalls()).toHaveLength(1);
      // The loop's turns are read whole: neither model request streamed.
      expect(seen.modelRequests().map((r) => r.body.stream)).toEqual([undefined, undefined]);
      const messages = seen.modelRequests()[1]!.body.messages as Message[];
      expect(messages.at(-1)).toMatchObject({ role: 'tool', content: '42' });

      // On the wire: SSE events only, closed by [DONE].
      model.script(CHAT_PATH, callsAdd(), answers('Five.'));
      const raw = await fetch(`${gw.url}${CHAT_PATH}`, {
        method: 'POST',
        headers: userHeaders(),
        body: JSON.stringify({ ...ask, tools: mcpTools(), stream: true }),
      });
      const events = (await raw.text()).split('\n\n').filter((event) => event !== '');
      expect(events.every((event) => event.startsWith('data: '))).toBe(true);
      expect(events.at(-1)).toBe('data: [DONE]');
      expect(events.join('')).toContain('"content":"Five."');
    });

    it('returns the tool calls unexecuted when the entry requires approval', async () => {
      const seen = record();
      model.script(CHAT_PATH, callsAdd());
      const { data, response } = await client.chat.completions
        .create({ ...ask, tools: mcpTools('alpha', 'always') })
        .withResponse();

      expect(data.choices[0]!.finish_reason).toBe('tool_calls');
      expect(data.choices[0]!.message.tool_calls).toEqual([
        {
          id: 'call_add_1',
          type: 'function',
          function: { name: 'alpha__add', arguments: ADD_ARGS },
        },
      ]);
      expect(response.headers.get(TURNS_HEADER)).toBeNull();
      expect(seen.modelRequests()).toHaveLength(1);
      expect((seen.modelRequests()[0]!.body.tools as unknown[]).length).toBe(4);
      expect(seen.toolCalls()).toEqual([]);
    });

    it('stops after MCP_MAX_TOOL_TURNS rounds when the model keeps calling the tool', async () => {
      const seen = record();
      model.failAll(CHAT_PATH, callsAdd('{"a":1,"b":1}'));
      try {
        const { data, response } = await client.chat.completions
          .create({ ...ask, tools: mcpTools() })
          .withResponse();
        expect(response.headers.get(LIMIT_HEADER)).toBe('reached');
        expect(response.headers.get(TURNS_HEADER)).toBe('2');
        expect(data.choices[0]!.finish_reason).toBe('tool_calls');
        expect(data.choices[0]!.message.tool_calls?.[0]).toMatchObject({
          function: { name: 'alpha__add' },
        });
        expect(data.usage).toMatchObject(usage(30, 15));
      } finally {
        model.clearFailures(CHAT_PATH);
      }
      expect(seen.modelRequests()).toHaveLength(3);
      expect(seen.toolCalls()).toHaveLength(2);
    });

    it('refuses an unknown server_label with 400', async () => {
      const seen = record();
      const error = await client.chat.completions
        .create({ ...ask, tools: mcpTools('nope') })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect(error).toMatchObject({
        status: 400,
        code: 'mcp_server_not_found',
        param: 'tools[0].server_label',
      });
      expect(seen.modelRequests()).toEqual([]);
    });
  });

  describe('with tool invocation disabled', () => {
    let gw: TestGateway;
    let client: OpenAI;

    beforeAll(async () => {
      ({ gw, client } = await start({
        MCP_GATEWAY_ENABLED: 'true',
        LLMROUTER_ENABLE_MCP_TOOL_INVOCATION: 'false',
      }));
    });
    afterAll(() => gw?.close());

    it('lists the MCP tools to the model and returns its tool calls to the client', async () => {
      const seen = record();
      model.script(CHAT_PATH, callsAdd());
      const { data, response } = await client.chat.completions
        .create({ ...ask, tools: mcpTools() })
        .withResponse();

      expect(data.choices[0]!.finish_reason).toBe('tool_calls');
      expect(data.choices[0]!.message.tool_calls?.[0]).toMatchObject({
        id: 'call_add_1',
        function: { name: 'alpha__add', arguments: ADD_ARGS },
      });
      expect(response.headers.get(TURNS_HEADER)).toBeNull();
      const [only, ...more] = seen.modelRequests();
      expect(more).toEqual([]);
      const names = (only!.body.tools as Array<{ function: { name: string } }>).map(
        (tool) => tool.function.name,
      );
      expect(names).toContain('alpha__add');
      expect(seen.toolCalls()).toEqual([]);
    });
  });

  describe('when an MCP server cannot be listed', () => {
    let gw: TestGateway;
    let client: OpenAI;
    const unreachable = /^Could not list the tools of MCP server "down": .*ECONNREFUSED/;

    beforeAll(async () => {
      // Nothing listens on this port: every listing of `down` fails (connection refused).
      const downUrl = `http://127.0.0.1:${await freePort()}/mcp`;
      ({ gw, client } = await start({
        MCP_GATEWAY_ENABLED: 'true',
        LLMROUTER_ENABLE_MCP_TOOL_INVOCATION: 'true',
        LLMROUTER_OUTBOUND_URL_ALLOWLIST: `${mcp.origin},${downUrl}`,
      }));
      await register(gw, 'down', downUrl);
    });
    afterAll(() => gw?.close());

    it('answers 502 naming the server and never calls the model without its tools', async () => {
      const seen = record();
      const error = await client.chat.completions
        .create({ ...ask, tools: mcpTools('down') })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect(error).toMatchObject({
        status: 502,
        code: 'mcp_upstream_error',
        error: { message: expect.stringMatching(unreachable) },
      });

      const raw = await fetch(`${gw.url}${CHAT_PATH}`, {
        method: 'POST',
        headers: userHeaders(),
        body: JSON.stringify({ ...ask, tools: mcpTools('down'), stream: true }),
      });
      expect(raw.status).toBe(502);
      const body = (await raw.json()) as { error: { code: string; message: string } };
      expect(body.error).toMatchObject({ code: 'mcp_upstream_error' });
      expect(body.error.message).toMatch(unreachable);
      expect(seen.modelRequests()).toEqual([]);
    });

    it('fails the every-server form when any server cannot be listed', async () => {
      const seen = record();
      const everyServer = [{ type: 'mcp', server_url: 'litellm_proxy' }];
      const error = await client.chat.completions
        .create({ ...ask, tools: everyServer as unknown as ChatCompletionTool[] })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({
        status: 502,
        code: 'mcp_upstream_error',
        error: { message: expect.stringMatching(unreachable) },
      });
      expect(seen.modelRequests()).toEqual([]);
    });

    it('still serves a request that names only a server that can be listed', async () => {
      const seen = record();
      model.script(CHAT_PATH, answers('Nothing to add.'));
      const data = await client.chat.completions.create({ ...ask, tools: mcpTools('alpha') });
      expect(data.choices[0]!.message.content).toBe('Nothing to add.');
      const [only] = seen.modelRequests();
      const names = (only!.body.tools as Array<{ function: { name: string } }>).map(
        (tool) => tool.function.name,
      );
      expect(names.sort()).toEqual(['alpha__add', 'alpha__echo', 'alpha__fail', 'alpha__slow']);
    });

    it('refuses allowed_tools naming tools the server does not have with 400', async () => {
      const seen = record();
      const narrowed = [{ type: 'mcp', server_label: 'alpha', allowed_tools: ['add', 'nope'] }];
      const error = await client.chat.completions
        .create({ ...ask, tools: narrowed as unknown as ChatCompletionTool[] })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({
        status: 400,
        code: 'mcp_tool_not_found',
        param: 'tools[0].allowed_tools',
        error: {
          message: '"tools[0].allowed_tools" names unknown tools of MCP server "alpha": "nope"',
        },
      });
      expect(seen.modelRequests()).toEqual([]);
    });
  });

  describe('with the MCP gateway disabled', () => {
    let gw: TestGateway;
    let client: OpenAI;

    beforeAll(async () => {
      ({ gw, client } = await start({ MCP_GATEWAY_ENABLED: 'false' }, false));
    });
    afterAll(() => gw?.close());

    it('refuses MCP tools with 400 mcp_gateway_disabled', async () => {
      const seen = record();
      const error = await client.chat.completions
        .create({ ...ask, tools: mcpTools() })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect(error).toMatchObject({ status: 400, code: 'mcp_gateway_disabled', param: 'tools[0]' });
      expect(seen.modelRequests()).toEqual([]);
    });
  });
});
