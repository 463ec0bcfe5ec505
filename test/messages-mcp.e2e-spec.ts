import Anthropic from '@anthropic-ai/sdk';
import type {
  BetaMessage,
  BetaRawMessageStreamEvent,
  BetaRequestMCPServerURLDefinition,
} from '@anthropic-ai/sdk/resources/beta/messages/messages';
import {
  answers,
  CHAT_PATH,
  callsAdd,
  mcpToolLoop,
  TURNS_HEADER,
} from './fixtures/mcp-tool-loop.fixtures';
import { generateKey } from './support/guardrail-traffic';
import { TEST_MASTER_KEY, type TestGateway } from './support/gateway-harness';

// Anthropic's MCP connector on /v1/messages: the client names a registered MCP server in
// mcp_servers, the model (the OpenAI stub, reached through chat) asks for a call, the gateway runs
// it on the MCP stub and answers with mcp_tool_use / mcp_tool_result blocks before the final text.
const BETA = 'mcp-client-2025-04-04';

type ApiError = InstanceType<typeof Anthropic.APIError>;

describe('MCP connector on the Messages API (@anthropic-ai/sdk)', () => {
  const { model, record, startGateway } = mcpToolLoop();

  const start = async (env: Record<string, string>) => {
    const gw = await startGateway(env);
    const client = new Anthropic({ apiKey: TEST_MASTER_KEY, baseURL: gw.url, maxRetries: 0 });
    return { gw, client };
  };
  const servers = (gw: TestGateway, id = 'alpha'): BetaRequestMCPServerURLDefinition[] => [
    { type: 'url', url: `${gw.url}/mcp/${id}`, name: 'calc', authorization_token: 'ignored' },
  ];
  const ask = (gw: TestGateway, id = 'alpha') => ({
    model: 'gpt-4o-mini',
    max_tokens: 100,
    messages: [{ role: 'user' as const, content: 'add 2+3' }],
    mcp_servers: servers(gw, id),
    betas: [BETA],
  });

  describe('with tool invocation enabled', () => {
    let gw: TestGateway;
    let client: Anthropic;

    beforeAll(async () => {
      ({ gw, client } = await start({ LLMROUTER_ENABLE_MCP_TOOL_INVOCATION: 'true' }));
    });
    afterAll(() => gw?.close());

    it('runs the call and answers with mcp_tool_use, mcp_tool_result and the text', async () => {
      const seen = record();
      model.script(CHAT_PATH, callsAdd(), answers('2 + 3 = 5'));
      const { data, response } = await client.beta.messages.create(ask(gw)).withResponse();

      expect(response.headers.get(TURNS_HEADER)).toBe('1');
      expect(data.content.map((block) => block.type)).toEqual([
        'mcp_tool_use',
        'mcp_tool_result',
        'text',
      ]);
      const [use, result, text] = data.content;
      expect(use).toEqual({
        type: 'mcp_tool_use',
        id: expect.stringMatching(/^mcptoolu_/),
        name: 'add',
        server_name: 'calc',
        input: { a: 2, b: 3 },
      });
      expect(result).toEqual({
        type: 'mcp_tool_result',
        tool_use_id: (use as { id: string }).id,
        is_error: false,
        content: [{ type: 'text', text: '5' }],
      });
      expect(text).toMatchObject({ type: 'text', text: '2 + 3 = 5' });
      expect(data.stop_reason).toBe('end_turn');
      expect(data.usage).toMatchObject({ input_tokens: 30, output_tokens: 9 });
      expect(seen.toolCalls().map((m) => m.params)).toEqual([
        expect.objectContaining({ name: 'add', arguments: { a: 2, b: 3 } }),
      ]);
      // The client's authorization_token never reaches the MCP server.
      expect(JSON.stringify(seen.toolCalls().map((m) => m.headers))).not.toContain('ignored');
      const [first, second, ...more] = seen.modelRequests();
      expect(more).toEqual([]);
      expect((first!.body.tools as unknown[]).length).toBeGreaterThan(0);
      expect((second!.body.messages as unknown[]).at(-1)).toEqual({
        role: 'tool',
        tool_call_id: 'call_1',
        content: '5',
      });
    });

    it('takes the history it answered with back, skipping the mcp blocks', async () => {
      model.script(CHAT_PATH, callsAdd(), answers('2 + 3 = 5'));
      const first = await client.beta.messages.create(ask(gw));
      const seen = record();
      model.script(CHAT_PATH, answers('Yes.'));
      const next = await client.messages.create({
        model: 'gpt-4o-mini',
        max_tokens: 100,
        messages: [
          { role: 'user', content: 'add 2+3' },
          { role: 'assistant', content: first.content as unknown as Anthropic.ContentBlockParam[] },
          { role: 'user', content: 'sure?' },
        ],
      });
      expect(next.content).toEqual([{ type: 'text', text: 'Yes.' }]);
      expect(seen.modelRequests()[0]!.body.messages).toEqual([
        { role: 'user', content: 'add 2+3' },
        { role: 'assistant', content: '2 + 3 = 5' },
        { role: 'user', content: 'sure?' },
      ]);
    });

    it('streams the blocks as Anthropic events', async () => {
      model.script(CHAT_PATH, callsAdd(), answers('Five.'));
      const stream = client.beta.messages.stream(ask(gw));
      const events: BetaRawMessageStreamEvent[] = [];
      for await (const event of stream) events.push(event);
      const final: BetaMessage = await stream.finalMessage();

      expect(events.map((e) => e.type)).toEqual([
        'message_start',
        ...['content_block_start', 'content_block_delta', 'content_block_stop'],
        ...['content_block_start', 'content_block_stop'],
        ...['content_block_start', 'content_block_delta', 'content_block_stop'],
        'message_delta',
        'message_stop',
      ]);
      expect(final.content.map((block) => block.type)).toEqual([
        'mcp_tool_use',
        'mcp_tool_result',
        'text',
      ]);
      expect(final.content[0]).toMatchObject({ name: 'add', input: { a: 2, b: 3 } });
      expect(final.content[2]).toMatchObject({ text: 'Five.' });
      expect(final.usage).toMatchObject({ input_tokens: 30, output_tokens: 9 });
    });

    it('keeps the text the model wrote before its calls, in order (streamed)', async () => {
      model.script(CHAT_PATH, callsAdd(undefined, undefined, 'Let me add.'), answers('Five.'));
      const stream = client.beta.messages.stream(ask(gw));
      for await (const _event of stream) {
        // The final message is assembled from the events.
      }
      const final: BetaMessage = await stream.finalMessage();

      expect(final.content.map((block) => block.type)).toEqual([
        'text',
        'mcp_tool_use',
        'mcp_tool_result',
        'text',
      ]);
      expect(final.content[0]).toMatchObject({ text: 'Let me add.' });
      expect(final.content[3]).toMatchObject({ text: 'Five.' });
    });

    it('refuses an unknown server before calling the model', async () => {
      const seen = record();
      const error = await client.beta.messages.create(ask(gw, 'nope')).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.BadRequestError);
      expect((error as ApiError).error).toMatchObject({
        type: 'error',
        error: {
          type: 'invalid_request_error',
          message: expect.stringContaining('"mcp_servers.0.url": MCP server "nope" not found'),
        },
      });
      expect(seen.modelRequests()).toEqual([]);
    });

    it('refuses a key without access to the server with 403 in Anthropic’s shape', async () => {
      const seen = record();
      const key = await generateKey(gw, { object_permission: { mcp_servers: ['other'] } });
      const denied = new Anthropic({ apiKey: key, baseURL: gw.url, maxRetries: 0 });
      const error = await denied.beta.messages.create(ask(gw)).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.PermissionDeniedError);
      expect((error as ApiError).error).toMatchObject({
        type: 'error',
        error: { type: 'permission_error' },
      });
      expect(seen.modelRequests()).toEqual([]);
      expect(seen.toolCalls()).toEqual([]);
    });
  });

  describe('with tool invocation disabled', () => {
    let gw: TestGateway;
    let client: Anthropic;

    beforeAll(async () => {
      ({ gw, client } = await start({ LLMROUTER_ENABLE_MCP_TOOL_INVOCATION: 'false' }));
    });
    afterAll(() => gw?.close());

    it('refuses the request (without the beta header too) and calls nothing', async () => {
      const seen = record();
      const { betas: _betas, ...plain } = ask(gw);
      const error = await client.messages
        .create(plain as Anthropic.MessageCreateParamsNonStreaming)
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Anthropic.BadRequestError);
      expect((error as ApiError).error).toMatchObject({
        error: {
          type: 'invalid_request_error',
          message: expect.stringContaining('LLMROUTER_ENABLE_MCP_TOOL_INVOCATION'),
        },
      });
      expect(seen.modelRequests()).toEqual([]);
      expect(seen.toolCalls()).toEqual([]);
    });
  });
});
