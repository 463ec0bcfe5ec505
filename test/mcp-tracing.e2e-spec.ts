import OpenAI from 'openai';
import type { ChatCompletionTool } from 'openai/resources/chat/completions';
import {
  clientTrace,
  named,
  only,
  startTracedGateway,
  TRACED_ENV,
  type TracedGateway,
} from './fixtures/observability.fixtures';
import { TEST_ADMIN_KEY, TEST_MASTER_KEY } from './support/gateway-harness';
import { call } from './support/http';
import { McpStubServer } from './support/mcp-stub.server';
import { OpenAiStubServer, type StubBehaviour } from './support/openai-stub.server';
import { childrenOf, type ReceivedSpan } from './support/otlp-receiver';

// The spans of a chat completion whose MCP tools the gateway runs (the hosted tool loop), from a
// gateway process exporting over OTLP: each model call of the loop is a span of its own under the
// request's server span, next to the tool call it led to.

const CHAT_PATH = '/v1/chat/completions';

const completion = (id: string, message: object, finish: string, usage: [number, number]) => ({
  kind: 'json' as const,
  status: 200,
  body: {
    id,
    object: 'chat.completion',
    created: 1_700_000_000,
    model: 'gpt-4o-mini',
    choices: [{ index: 0, message, finish_reason: finish, logprobs: null }],
    usage: {
      prompt_tokens: usage[0],
      completion_tokens: usage[1],
      total_tokens: usage[0] + usage[1],
    },
  },
});
const CALLS_ADD: StubBehaviour = completion(
  'chatcmpl-tools',
  {
    role: 'assistant',
    content: null,
    tool_calls: [
      {
        id: 'call_1',
        type: 'function',
        function: { name: 'alpha__add', arguments: '{"a":2,"b":3}' },
      },
    ],
  },
  'tool_calls',
  [10, 5],
);
const ANSWERS: StubBehaviour = completion(
  'chatcmpl-final',
  { role: 'assistant', content: '2 + 3 = 5' },
  'stop',
  [20, 4],
);

describe('Tracing of MCP tools run in a chat completion (gateway process)', () => {
  const model = new OpenAiStubServer();
  const mcp = new McpStubServer({ name: 'alpha' });
  let gateway: TracedGateway;

  beforeAll(async () => {
    const apiBase = await model.start();
    await mcp.start();
    const config = {
      model_list: [
        {
          model_name: 'gpt-4o-mini',
          litellm_params: { model: 'openai/gpt-4o-mini', api_base: apiBase, api_key: 'sk-stub' },
        },
      ],
    };
    gateway = await startTracedGateway(config, {
      ...TRACED_ENV,
      ADMIN_API_KEYS: TEST_ADMIN_KEY,
      MCP_GATEWAY_ENABLED: 'true',
      LLMROUTER_ENABLE_MCP_TOOL_INVOCATION: 'true',
      LLMROUTER_OUTBOUND_URL_ALLOWLIST: mcp.origin,
    });
    const created = await call(`${gateway.url}/llmrouter/mcp/servers`, {
      method: 'POST',
      headers: { 'x-admin-api-key': TEST_ADMIN_KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ server_id: 'alpha', url: mcp.url }),
    });
    expect(created.status).toBe(201);
  }, 60_000);
  afterAll(async () => {
    await gateway?.stop();
    await model.stop();
    await mcp.stop();
  });

  it('gives each model call of the loop its own span, next to the tool call it led to', async () => {
    model.script(CHAT_PATH, CALLS_ADD, ANSWERS);
    const caller = clientTrace();
    const client = new OpenAI({
      apiKey: TEST_MASTER_KEY,
      baseURL: `${gateway.url}/v1`,
      maxRetries: 0,
    });
    const tools = [{ type: 'mcp', server_label: 'alpha', require_approval: 'never' }];
    const data = await client.chat.completions.create(
      {
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'add 2+3' }],
        tools: tools as unknown as ChatCompletionTool[],
      },
      { headers: { traceparent: caller.traceparent } },
    );
    expect(data.choices[0]!.message.content).toBe('2 + 3 = 5');

    // The turns and their upstream calls share a name (the model); the turns are INTERNAL.
    const isTurn = (span: ReceivedSpan) =>
      span.kind === 'INTERNAL' && named('chat gpt-4o-mini')(span);
    const spans = await gateway.receiver.waitForSpans((received) => {
      const mine = received.filter((span) => span.traceId === caller.traceId);
      return mine.filter(isTurn).length === 2 && mine.some((span) => span.kind === 'SERVER');
    });
    const trace = spans.filter((span) => span.traceId === caller.traceId);
    const server = only(trace, (span) => span.kind === 'SERVER', 'server span');
    expect(server).toMatchObject({
      name: 'POST /v1/chat/completions',
      parentSpanId: caller.spanId,
    });
    // The request as the client sees it: one chat, every turn's tokens, one round of tools.
    expect(server.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.request.model': 'gpt-4o-mini',
      'gen_ai.response.model': 'gpt-4o-mini',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 30,
      'gen_ai.usage.output_tokens': 9,
      'routeiq.mcp.tool_turns': 1,
    });
    const children = childrenOf(trace, server);
    const turns = children.filter(isTurn);
    expect(turns).toHaveLength(2);
    expect(turns.map((turn) => turn.attributes['gen_ai.usage.input_tokens'])).toEqual([10, 20]);
    expect(turns.map((turn) => turn.attributes['gen_ai.response.finish_reasons'])).toEqual([
      ['tool_calls'],
      ['stop'],
    ]);
    for (const turn of turns) {
      const upstream = childrenOf(trace, turn).filter(
        (span: ReceivedSpan) => span.kind === 'CLIENT',
      );
      expect(upstream).toHaveLength(1);
    }
    const tool = only(children, named('tools/call add'), 'tool call span');
    expect(tool).toMatchObject({ kind: 'CLIENT' });
    expect(tool.attributes).toMatchObject({ 'gen_ai.tool.name': 'add', 'mcp.server.id': 'alpha' });
    expect(turns[0]!.endTimeUnixNano).toBeLessThanOrEqual(tool.startTimeUnixNano);
    expect(tool.endTimeUnixNano).toBeLessThanOrEqual(turns[1]!.startTimeUnixNano);
  });
});
