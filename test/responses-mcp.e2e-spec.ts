import OpenAI from 'openai';
import type { ResponseCreateParamsNonStreaming, Tool } from 'openai/resources/responses/responses';
import {
  ADD_ARGS,
  answers,
  CHAT_PATH,
  callsAdd,
  mcpToolLoop,
  TURNS_HEADER,
} from './fixtures/mcp-tool-loop.fixtures';
import { generateKey } from './support/guardrail-traffic';
import { stubConfig, TEST_MASTER_KEY, type TestGateway } from './support/gateway-harness';

// OpenAI's remote-MCP tool on /v1/responses: the client names a registered MCP server, the model
// (the OpenAI stub, reached through chat) asks for a call, the gateway runs it on the MCP stub and
// answers with OpenAI's mcp_list_tools / mcp_call items before the model's final message.
const ALPHA_TOOLS = ['add', 'echo', 'fail', 'slow'];

const mcpTools = (label = 'alpha', approval = 'never'): Tool[] =>
  [{ type: 'mcp', server_label: label, require_approval: approval }] as Tool[];

/** The stub config on an adapter without the `responses` capability: turns go through chat. */
const translatedConfig = (apiBase: string): string =>
  stubConfig(apiBase).replace('model: openai/gpt-4o-mini', 'model: openai_like/gpt-4o-mini');

describe('MCP tools in the Responses API (openai SDK)', () => {
  const { model, record, startGateway } = mcpToolLoop(translatedConfig);

  const start = async (env: Record<string, string>) => {
    const gw = await startGateway(env);
    const client = new OpenAI({ apiKey: TEST_MASTER_KEY, baseURL: `${gw.url}/v1`, maxRetries: 0 });
    return { gw, client };
  };
  const ask = (tools = mcpTools()): ResponseCreateParamsNonStreaming => ({
    model: 'gpt-4o-mini',
    input: 'add 2+3',
    tools,
  });

  describe('with tool invocation enabled', () => {
    let gw: TestGateway;
    let client: OpenAI;

    beforeAll(async () => {
      ({ gw, client } = await start({ LLMROUTER_ENABLE_MCP_TOOL_INVOCATION: 'true' }));
    });
    afterAll(() => gw?.close());

    it('runs the call and answers with mcp_list_tools, mcp_call and the message', async () => {
      const seen = record();
      model.script(CHAT_PATH, callsAdd(), answers('2 + 3 = 5'));
      const { data, response } = await client.responses.create(ask()).withResponse();

      expect(response.headers.get(TURNS_HEADER)).toBe('1');
      expect(data.output.map((item) => item.type)).toEqual([
        'mcp_list_tools',
        'mcp_call',
        'message',
      ]);
      const [list, mcpCall] = data.output;
      expect(list).toMatchObject({ type: 'mcp_list_tools', server_label: 'alpha' });
      const listed = (list as { tools: Array<{ name: string; input_schema: unknown }> }).tools;
      expect(listed.map((tool) => tool.name).sort()).toEqual(ALPHA_TOOLS);
      expect(listed.find((tool) => tool.name === 'add')).toMatchObject({
        description: 'Adds two numbers',
        input_schema: expect.objectContaining({ required: ['a', 'b'] }),
      });
      expect(mcpCall).toMatchObject({
        type: 'mcp_call',
        id: expect.stringMatching(/^mcp_/),
        server_label: 'alpha',
        name: 'add',
        arguments: ADD_ARGS,
        output: '5',
        error: null,
      });
      expect(data.output_text).toBe('2 + 3 = 5');
      expect(data.usage).toMatchObject({ input_tokens: 30, output_tokens: 9, total_tokens: 39 });
      expect(seen.toolCalls().map((m) => m.params)).toEqual([
        expect.objectContaining({ name: 'add', arguments: { a: 2, b: 3 } }),
      ]);
      const [first, second, ...more] = seen.modelRequests();
      expect(more).toEqual([]);
      expect((first!.body.tools as unknown[]).length).toBe(ALPHA_TOOLS.length);
      expect((second!.body.messages as unknown[]).at(-1)).toEqual({
        role: 'tool',
        tool_call_id: 'call_1',
        content: '5',
      });
    });

    it('continues a stored hosted response, by id or with its items sent back as input', async () => {
      model.script(CHAT_PATH, callsAdd(), answers('2 + 3 = 5'));
      const first = await client.responses.create(ask());

      const seen = record();
      model.script(CHAT_PATH, answers('Still 5.'));
      const next = await client.responses.create({
        model: 'gpt-4o-mini',
        input: 'and again?',
        previous_response_id: first.id,
      });
      expect(next.output_text).toBe('Still 5.');
      // The stored conversation is the question and the final answer: the tool turns stay out.
      expect(seen.modelRequests()[0]!.body.messages).toEqual([
        { role: 'user', content: 'add 2+3' },
        { role: 'assistant', content: '2 + 3 = 5' },
        { role: 'user', content: 'and again?' },
      ]);

      model.script(CHAT_PATH, answers('Yes.'));
      const input = [
        { role: 'user' as const, content: 'add 2+3' },
        ...first.output,
        { role: 'user' as const, content: 'sure?' },
      ] as OpenAI.Responses.ResponseInput;
      const replayed = await client.responses.create({ model: 'gpt-4o-mini', input });
      expect(replayed.output_text).toBe('Yes.');
      expect(seen.modelRequests()[1]!.body.messages).toEqual([
        { role: 'user', content: 'add 2+3' },
        { role: 'assistant', content: '2 + 3 = 5' },
        { role: 'user', content: 'sure?' },
      ]);
    });

    it('keeps the text the model wrote before its calls as a message item, in order', async () => {
      model.script(CHAT_PATH, callsAdd(undefined, undefined, 'Let me add.'), answers('Five.'));
      const data = await client.responses.create(ask());

      expect(data.output.map((item) => item.type)).toEqual([
        'mcp_list_tools',
        'message',
        'mcp_call',
        'message',
      ]);
      const texts = data.output.flatMap((item) =>
        item.type === 'message' ? item.content.map((part) => (part as { text: string }).text) : [],
      );
      expect(texts).toEqual(['Let me add.', 'Five.']);
      expect(data.output_text).toBe('Let me add.Five.');
    });

    it('streams the items as Responses events', async () => {
      model.script(CHAT_PATH, callsAdd(), answers('Five.'));
      const stream = await client.responses.create({ ...ask(), stream: true });
      const events = [];
      for await (const event of stream) events.push(event);

      const items = events
        .filter(
          (e) => e.type === 'response.output_item.added' || e.type === 'response.output_item.done',
        )
        .map((e) => `${e.type.slice('response.output_item.'.length)}:${e.item.type}`);
      expect(items).toEqual([
        'added:mcp_list_tools',
        'done:mcp_list_tools',
        'added:mcp_call',
        'done:mcp_call',
        'added:message',
        'done:message',
      ]);
      expect(
        events.flatMap((e) =>
          e.type.startsWith('response.mcp_') ? [e.type.slice('response.'.length)] : [],
        ),
      ).toEqual([
        'mcp_list_tools.in_progress',
        'mcp_list_tools.completed',
        'mcp_call.in_progress',
        'mcp_call_arguments.delta',
        'mcp_call_arguments.done',
        'mcp_call.completed',
      ]);
      expect(events[0]!.type).toBe('response.created');
      expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
      const text = events.flatMap((e) =>
        e.type === 'response.output_text.delta' ? [e.delta] : [],
      );
      expect(text.join('')).toBe('Five.');
      const last = events.at(-1)!;
      expect(last.type).toBe('response.completed');
      const final = (last as { response: OpenAI.Responses.Response }).response;
      expect(final.output.map((item) => item.type)).toEqual([
        'mcp_list_tools',
        'mcp_call',
        'message',
      ]);
      expect(final.usage).toMatchObject({ input_tokens: 30, output_tokens: 9 });
    });

    it('refuses an unknown server as on chat, before calling the model', async () => {
      const seen = record();
      const error = await client.responses.create(ask(mcpTools('nope'))).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect(error).toMatchObject({
        status: 400,
        code: 'mcp_server_not_found',
        param: 'tools[0].server_label',
      });
      expect(seen.modelRequests()).toEqual([]);
    });

    it('refuses a key without access to the server with 403', async () => {
      const seen = record();
      const key = await generateKey(gw, { object_permission: { mcp_servers: ['other'] } });
      const denied = new OpenAI({ apiKey: key, baseURL: `${gw.url}/v1`, maxRetries: 0 });
      const error = await denied.responses.create(ask()).catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 403, code: 'mcp_access_denied' });
      expect(seen.modelRequests()).toEqual([]);
      expect(seen.toolCalls()).toEqual([]);
    });
  });

  describe('with tool invocation disabled', () => {
    let gw: TestGateway;
    let client: OpenAI;

    beforeAll(async () => {
      ({ gw, client } = await start({ LLMROUTER_ENABLE_MCP_TOOL_INVOCATION: 'false' }));
    });
    afterAll(() => gw?.close());

    it('offers the tools as functions and returns the model’s calls as function_call items', async () => {
      const seen = record();
      model.script(CHAT_PATH, callsAdd());
      const { data, response } = await client.responses.create(ask()).withResponse();

      expect(response.headers.get(TURNS_HEADER)).toBeNull();
      expect(data.output).toEqual([
        expect.objectContaining({
          type: 'function_call',
          call_id: 'call_1',
          name: 'alpha__add',
          arguments: ADD_ARGS,
        }),
      ]);
      const [only, ...more] = seen.modelRequests();
      expect(more).toEqual([]);
      const names = (only!.body.tools as Array<{ function: { name: string } }>).map(
        (tool) => tool.function.name,
      );
      expect(names.sort()).toEqual(ALPHA_TOOLS.map((name) => `alpha__${name}`));
      expect(seen.toolCalls()).toEqual([]);
    });
  });
});
