import { GatewayException, type HostedToolset } from '@routeiq/common';
import type { ChatCompletion, ChatCompletionRequest, ChatMessage } from '@routeiq/providers';
import {
  MAX_PARALLEL_TOOL_CALLS,
  runHostedToolLoop,
  sumUsage,
  type ModelAnswer,
} from './hosted-tool-loop';

function call(id: string, name: string, args = '{}'): unknown {
  return { id, type: 'function', function: { name, arguments: args } };
}

function answer(
  message: Partial<ChatMessage>,
  usage = { prompt_tokens: 10, completion_tokens: 2, total_tokens: 12 },
): ChatCompletion {
  return {
    id: 'chatcmpl-1',
    object: 'chat.completion',
    created: 1,
    model: 'gpt',
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: null, ...message },
        finish_reason: message.tool_calls ? 'tool_calls' : 'stop',
      },
    ],
    usage,
  };
}

class FakeToolset implements HostedToolset {
  readonly definitions = [];
  readonly executable = true;
  readonly executed: Array<{ name: string; args: string }> = [];
  /** Turn texts and calls in the order the loop reported or ran them. */
  readonly seen: string[] = [];
  inFlight = 0;
  maxInFlight = 0;
  failWith?: Error;

  constructor(readonly maxTurns = 5) {}

  owns(name: string): boolean {
    return name.startsWith('srv__');
  }

  noteTurnText(text: string): void {
    this.seen.push(`text: ${text}`);
  }

  async execute(name: string, args: string): Promise<string> {
    this.executed.push({ name, args });
    this.seen.push(`call: ${name}`);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    await new Promise((resolve) => setImmediate(resolve));
    this.inFlight--;
    if (this.failWith) throw this.failWith;
    return `result of ${name} ${args}`;
  }
}

/** A model that answers with the scripted results in turn and keeps every request it got. */
function scriptedModel(...results: ChatCompletion[]) {
  const requests: ChatCompletionRequest[] = [];
  const callModel = (request: ChatCompletionRequest): Promise<ModelAnswer> => {
    requests.push(request);
    const result = results[requests.length - 1];
    if (!result) throw new Error(`unexpected model turn ${requests.length}`);
    return Promise.resolve({ result, headers: { 'x-routeiq-deployment': `d${requests.length}` } });
  };
  return { requests, callModel };
}

const request: ChatCompletionRequest = {
  model: 'gpt',
  messages: [{ role: 'user', content: 'weather in Paris?' }],
  tools: [],
};
const signal = new AbortController().signal;

describe(runHostedToolLoop.name, () => {
  it('runs the tool call, sends the tool message back and returns the final answer', async () => {
    const toolset = new FakeToolset();
    const first = answer({
      content: 'Checking.',
      tool_calls: [call('c1', 'srv__forecast', '{"city":"Paris"}')],
    });
    const model = scriptedModel(
      first,
      answer({ content: 'Sunny.' }, { prompt_tokens: 30, completion_tokens: 5, total_tokens: 35 }),
    );
    const waited: number[] = [];

    const outcome = await runHostedToolLoop(request, toolset, model.callModel, signal, (ms) =>
      waited.push(ms),
    );

    expect(toolset.executed).toEqual([{ name: 'srv__forecast', args: '{"city":"Paris"}' }]);
    expect(model.requests[0]).toBe(request);
    expect(model.requests[1]?.messages).toEqual([
      { role: 'user', content: 'weather in Paris?' },
      {
        role: 'assistant',
        content: 'Checking.',
        tool_calls: [call('c1', 'srv__forecast', '{"city":"Paris"}')],
      },
      { role: 'tool', tool_call_id: 'c1', content: 'result of srv__forecast {"city":"Paris"}' },
    ]);
    expect(outcome.answer.choices[0]?.message.content).toBe('Sunny.');
    expect(outcome.answer.usage).toEqual({
      prompt_tokens: 40,
      completion_tokens: 7,
      total_tokens: 47,
    });
    expect(outcome.headers).toEqual({ 'x-routeiq-deployment': 'd2' });
    expect(outcome.toolTurns).toBe(1);
    expect(outcome.limitReached).toBe(false);
    expect(waited).toHaveLength(1);
  });

  it("reports each tool turn's text before its calls, and nothing for a turn without text", async () => {
    const toolset = new FakeToolset();
    const model = scriptedModel(
      answer({ content: 'Checking.', tool_calls: [call('c1', 'srv__a'), call('c2', 'srv__b')] }),
      answer({
        content: [
          { type: 'text', text: 'One ' },
          { type: 'text', text: 'more.' },
        ] as never,
        tool_calls: [call('c3', 'srv__c')],
      }),
      answer({ tool_calls: [call('c4', 'srv__d')] }),
      answer({ content: 'Done.' }),
    );

    await runHostedToolLoop(request, toolset, model.callModel, signal);

    expect(toolset.seen).toEqual([
      'text: Checking.',
      'call: srv__a',
      'call: srv__b',
      'text: One more.',
      'call: srv__c',
      'call: srv__d',
    ]);
  });

  it('returns an answer that calls a client function as is, without running anything', async () => {
    const toolset = new FakeToolset();
    const mixed = answer({ tool_calls: [call('c1', 'srv__forecast'), call('c2', 'client_fn')] });
    const model = scriptedModel(mixed);

    const outcome = await runHostedToolLoop(request, toolset, model.callModel, signal);

    expect(outcome.answer).toBe(mixed);
    expect(outcome.toolTurns).toBe(0);
    expect(outcome.limitReached).toBe(false);
    expect(toolset.executed).toHaveLength(0);
  });

  it('returns answers with several choices as they are', async () => {
    const toolset = new FakeToolset();
    const two = answer({ tool_calls: [call('c1', 'srv__forecast')] });
    two.choices.push({ ...two.choices[0]!, index: 1 });
    const outcome = await runHostedToolLoop(request, toolset, scriptedModel(two).callModel, signal);
    expect(outcome.answer).toBe(two);
    expect(toolset.executed).toHaveLength(0);
  });

  it('stops after maxTurns rounds and returns the last answer, still calling tools', async () => {
    const toolset = new FakeToolset(2);
    const calling = (id: string) => answer({ tool_calls: [call(id, 'srv__forecast')] });
    const model = scriptedModel(calling('a'), calling('b'), calling('c'));

    const outcome = await runHostedToolLoop(request, toolset, model.callModel, signal);

    expect(model.requests).toHaveLength(3);
    expect(toolset.executed).toHaveLength(2);
    expect(outcome.toolTurns).toBe(2);
    expect(outcome.limitReached).toBe(true);
    expect(outcome.answer.choices[0]?.message.tool_calls).toEqual([call('c', 'srv__forecast')]);
    expect(outcome.answer.usage?.total_tokens).toBe(36);
  });

  it('runs the calls of one turn a few at a time and keeps their order', async () => {
    const toolset = new FakeToolset();
    const calls = Array.from({ length: 7 }, (_, i) => call(`c${i}`, 'srv__t', `{"i":${i}}`));
    const model = scriptedModel(answer({ tool_calls: calls }), answer({ content: 'done' }));

    await runHostedToolLoop(request, toolset, model.callModel, signal);

    expect(toolset.maxInFlight).toBe(MAX_PARALLEL_TOOL_CALLS);
    const toolMessages = model.requests[1]!.messages.filter((m) => m.role === 'tool');
    expect(toolMessages.map((m) => m.tool_call_id)).toEqual(
      calls.map((c) => (c as { id: string }).id),
    );
    expect(toolMessages[6]?.content).toBe('result of srv__t {"i":6}');
  });

  it('ends the request on a caller problem (access, quota) without another model turn', async () => {
    const toolset = new FakeToolset();
    toolset.failWith = new GatewayException({
      status: 429,
      code: 'rate_limited',
      message: 'quota',
    });
    const model = scriptedModel(
      answer({ tool_calls: [call('c1', 'srv__t'), call('c2', 'srv__t')] }),
    );

    await expect(runHostedToolLoop(request, toolset, model.callModel, signal)).rejects.toBe(
      toolset.failWith,
    );
    expect(model.requests).toHaveLength(1);
  });

  it('drops output-only fields from the assistant message it sends back', async () => {
    const toolset = new FakeToolset();
    const first = answer({
      tool_calls: [call('c1', 'srv__t')],
      annotations: [],
      reasoning_content: 'think',
    });
    const model = scriptedModel(first, answer({ content: 'ok' }));
    await runHostedToolLoop(request, toolset, model.callModel, signal);
    expect(model.requests[1]?.messages[1]).toEqual({
      role: 'assistant',
      content: null,
      tool_calls: [call('c1', 'srv__t')],
      reasoning_content: 'think',
    });
  });
});

describe(sumUsage.name, () => {
  it('adds counts field by field, nested details included, skipping turns without usage', () => {
    const total = sumUsage([
      {
        prompt_tokens: 5,
        completion_tokens: 1,
        total_tokens: 6,
        prompt_tokens_details: { cached_tokens: 2 },
      },
      undefined,
      {
        prompt_tokens: 7,
        completion_tokens: 3,
        total_tokens: 10,
        prompt_tokens_details: { cached_tokens: 4 },
      },
    ]);
    expect(total).toEqual({
      prompt_tokens: 12,
      completion_tokens: 4,
      total_tokens: 16,
      prompt_tokens_details: { cached_tokens: 6 },
    });
    expect(sumUsage([undefined, null])).toBeUndefined();
  });
});
