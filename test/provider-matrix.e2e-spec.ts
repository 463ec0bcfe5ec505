import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { startTestGateway, TEST_MASTER_KEY, type TestGateway } from './support/gateway-harness';
import {
  MATRIX_TARGETS,
  MATRIX_TOOL,
  MATRIX_TOOL_ARGS,
  MatrixStubs,
  type MatrixProvider,
} from './support/matrix-stubs';

/**
 * Every inbound surface × every provider × {plain, streaming, tools, streaming tools}, each
 * asserted through the official SDK of the inbound surface.
 */

const PROVIDERS: MatrixProvider[] = ['openai', 'azure', 'anthropic', 'bedrock', 'gemini'];
const hi = [{ role: 'user' as const, content: 'Weather in Paris?' }];
const chatTool = {
  type: 'function' as const,
  function: {
    name: MATRIX_TOOL,
    parameters: { type: 'object', properties: { city: { type: 'string' } } },
  },
};
const messagesTool = {
  name: MATRIX_TOOL,
  description: 'Weather of a city',
  input_schema: { type: 'object' as const, properties: { city: { type: 'string' } } },
};

type ToolDelta = OpenAI.Chat.Completions.ChatCompletionChunk.Choice.Delta.ToolCall;

/** Assembles streamed tool calls as a client must: by index, concatenating argument pieces. */
function assembleToolCalls(deltas: ToolDelta[]): Array<{ name: string; arguments: string }> {
  const calls: Array<{ name: string; arguments: string }> = [];
  for (const delta of deltas) {
    const call = (calls[delta.index] ??= { name: '', arguments: '' });
    call.name += delta.function?.name ?? '';
    call.arguments += delta.function?.arguments ?? '';
  }
  return calls;
}

describe('provider matrix: every inbound surface against every provider', () => {
  const stubs = new MatrixStubs();
  let gw: TestGateway;
  let openai: OpenAI;
  let anthropic: Anthropic;

  beforeAll(async () => {
    gw = await startTestGateway({ yaml: await stubs.start() });
    openai = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: TEST_MASTER_KEY, maxRetries: 0 });
    anthropic = new Anthropic({ baseURL: gw.url, apiKey: TEST_MASTER_KEY, maxRetries: 0 });
  });

  afterAll(async () => {
    await gw?.close();
    await stubs.stop();
  });

  describe.each(PROVIDERS)('OpenAI chat surface → %s', (provider) => {
    const { group, text } = MATRIX_TARGETS[provider];

    it('answers plain text', async () => {
      const answer = await openai.chat.completions.create({ model: group, messages: hi });
      expect(answer.choices[0]!.message.content).toContain(text);
      expect(answer.choices[0]!.finish_reason).toBe('stop');
    });

    it('streams the text and ends with a stop finish reason', async () => {
      const stream = await openai.chat.completions.create({
        model: group,
        messages: hi,
        stream: true,
      });
      const parts: string[] = [];
      const finishes: string[] = [];
      for await (const chunk of stream) {
        parts.push(chunk.choices[0]?.delta.content ?? '');
        const finish = chunk.choices[0]?.finish_reason;
        if (finish) finishes.push(finish);
      }
      expect(parts.join('')).toBe(text);
      expect(finishes).toEqual(['stop']);
    });

    it('returns the tool call', async () => {
      stubs.prepareToolCall(provider, false);
      const answer = await openai.chat.completions.create({
        model: group,
        messages: hi,
        tools: [chatTool],
      });
      const calls = answer.choices[0]!.message.tool_calls ?? [];
      expect(calls).toHaveLength(1);
      const call = calls[0] as OpenAI.Chat.Completions.ChatCompletionMessageFunctionToolCall;
      expect(call.type).toBe('function');
      expect(call.id).toEqual(expect.any(String));
      expect(call.function.name).toBe(MATRIX_TOOL);
      expect(JSON.parse(call.function.arguments)).toEqual(MATRIX_TOOL_ARGS);
      expect(answer.choices[0]!.finish_reason).toBe('tool_calls');
    });

    it('streams the tool call in pieces the client can assemble', async () => {
      stubs.prepareToolCall(provider, true);
      const stream = await openai.chat.completions.create({
        model: group,
        messages: hi,
        tools: [chatTool],
        stream: true,
      });
      const deltas: ToolDelta[] = [];
      const finishes: string[] = [];
      for await (const chunk of stream) {
        deltas.push(...(chunk.choices[0]?.delta.tool_calls ?? []));
        const finish = chunk.choices[0]?.finish_reason;
        if (finish) finishes.push(finish);
      }
      const calls = assembleToolCalls(deltas);
      expect(calls).toHaveLength(1);
      expect(calls[0]!.name).toBe(MATRIX_TOOL);
      expect(JSON.parse(calls[0]!.arguments)).toEqual(MATRIX_TOOL_ARGS);
      expect(deltas[0]!.id).toEqual(expect.any(String));
      expect(finishes).toEqual(['tool_calls']);
    });
  });

  describe.each(PROVIDERS)('Anthropic messages surface → %s', (provider) => {
    const { group, text } = MATRIX_TARGETS[provider];
    const request = { model: group, max_tokens: 256, messages: hi };

    it('answers plain text', async () => {
      const message = await anthropic.messages.create(request);
      const texts = message.content.filter((b): b is Anthropic.TextBlock => b.type === 'text');
      expect(texts.map((b) => b.text).join('')).toContain(text);
      expect(message.stop_reason).toBe('end_turn');
    });

    it('streams the text and ends with end_turn', async () => {
      const stream = anthropic.messages.stream(request);
      const deltas: string[] = [];
      stream.on('text', (delta) => deltas.push(delta));
      const final = await stream.finalMessage();
      expect(deltas.join('')).toBe(text);
      expect(final.content).toEqual([{ type: 'text', text, citations: null }].map(stripNull));
      expect(final.stop_reason).toBe('end_turn');
    });

    it('returns the tool_use block', async () => {
      stubs.prepareToolCall(provider, false);
      const message = await anthropic.messages.create({ ...request, tools: [messagesTool] });
      const uses = message.content.filter(
        (b): b is Anthropic.ToolUseBlock => b.type === 'tool_use',
      );
      expect(uses).toHaveLength(1);
      expect(uses[0]!.name).toBe(MATRIX_TOOL);
      expect(uses[0]!.input).toEqual(MATRIX_TOOL_ARGS);
      expect(uses[0]!.id).toEqual(expect.any(String));
      expect(message.stop_reason).toBe('tool_use');
    });

    it('streams the tool_use block and the SDK assembles its input', async () => {
      stubs.prepareToolCall(provider, true);
      const stream = anthropic.messages.stream({ ...request, tools: [messagesTool] });
      const final = await stream.finalMessage();
      const uses = final.content.filter((b): b is Anthropic.ToolUseBlock => b.type === 'tool_use');
      expect(uses).toHaveLength(1);
      expect(uses[0]!.name).toBe(MATRIX_TOOL);
      expect(uses[0]!.input).toEqual(MATRIX_TOOL_ARGS);
      expect(final.stop_reason).toBe('tool_use');
    });
  });

  describe.each(PROVIDERS)('OpenAI Responses surface → %s', (provider) => {
    const { group, responsesText: text } = MATRIX_TARGETS[provider];
    const responsesTool = {
      type: 'function' as const,
      name: MATRIX_TOOL,
      strict: false,
      parameters: { type: 'object', properties: { city: { type: 'string' } } },
    };

    it('answers plain text', async () => {
      const response = await openai.responses.create({ model: group, input: 'Weather in Paris?' });
      expect(response.output_text).toContain(text);
      expect(response.status).toBe('completed');
    });

    it('streams the text and completes', async () => {
      const stream = await openai.responses.create({
        model: group,
        input: 'Weather in Paris?',
        stream: true,
      });
      let deltas = '';
      let completed: OpenAI.Responses.Response | undefined;
      for await (const event of stream) {
        if (event.type === 'response.output_text.delta') deltas += event.delta;
        if (event.type === 'response.completed') completed = event.response;
      }
      expect(deltas).toBe(text);
      expect(completed?.status).toBe('completed');
    });

    it('returns the function_call item', async () => {
      stubs.prepareToolCall(provider, false);
      const response = await openai.responses.create({
        model: group,
        input: 'Weather in Paris?',
        tools: [responsesTool],
      });
      const calls = response.output.filter(
        (item): item is OpenAI.Responses.ResponseFunctionToolCall => item.type === 'function_call',
      );
      expect(calls).toHaveLength(1);
      expect(calls[0]!.name).toBe(MATRIX_TOOL);
      expect(JSON.parse(calls[0]!.arguments)).toEqual(MATRIX_TOOL_ARGS);
    });

    it('streams the function call and its argument deltas assemble', async () => {
      stubs.prepareToolCall(provider, true);
      const stream = await openai.responses.create({
        model: group,
        input: 'Weather in Paris?',
        tools: [responsesTool],
        stream: true,
      });
      let args = '';
      let done: string | undefined;
      for await (const event of stream) {
        if (event.type === 'response.function_call_arguments.delta') args += event.delta;
        if (event.type === 'response.function_call_arguments.done') done = event.arguments;
      }
      expect(JSON.parse(args)).toEqual(MATRIX_TOOL_ARGS);
      expect(done).toBe(args);
    });
  });
});

/** The SDK leaves `citations` off text blocks that never had any. */
function stripNull<T extends object>(block: T): Partial<T> {
  return Object.fromEntries(Object.entries(block).filter(([, v]) => v !== null)) as Partial<T>;
}
