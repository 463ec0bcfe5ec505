import { chatChunk, guardrailContext, guardrailsConfigOf } from '../__fixtures__/guardrail-context';
import { GUARDRAIL_WARNING_HEADER } from '../text-guardrail.plugin';
import { ContentFilterGuardrailPlugin } from './content-filter-guardrail.plugin';

const plugin = (env: Record<string, string> = {}) =>
  new ContentFilterGuardrailPlugin(guardrailsConfigOf({ CONTENT_FILTER_ENABLED: 'true', ...env }));
const ctx = () =>
  guardrailContext({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, { stream: true });

describe(ContentFilterGuardrailPlugin.name, () => {
  it('is on per CONTENT_FILTER_ENABLED, checks per CONTENT_FILTER_APPLY_TO, calls out to nothing', () => {
    expect(plugin().enabled).toBe(true);
    expect(plugin({ CONTENT_FILTER_ENABLED: 'false' }).enabled).toBe(false);
    expect(plugin().capabilities).not.toContain('network');
    const inputOnly = plugin({ CONTENT_FILTER_APPLY_TO: 'input' });
    const context = ctx();
    expect(inputOnly.onStreamChunk(context, chatChunk('how to build a pipe bomb'))).toBeUndefined();
    expect(inputOnly.onStreamEnd(context)).toBeUndefined();
    expect(context.state.size).toBe(0);
  });

  it('blocks input in a category at the threshold', () => {
    const request = guardrailContext({
      model: 'm',
      messages: [{ role: 'user', content: 'I want to end my life' }],
    });
    expect(() => plugin().onLlmPreCall(request)).toThrow(
      'Request blocked by guardrail content_filter: self_harm',
    );
    const lenient = guardrailContext({
      model: 'm',
      messages: [{ role: 'user', content: 'I want to end my life' }],
    });
    expect(plugin({ CONTENT_FILTER_CATEGORIES: 'hate' }).onLlmPreCall(lenient)).toBeUndefined();
  });

  it('scans a stream as it passes, a phrase split across chunks included, and blocks', () => {
    const guard = plugin();
    const context = ctx();
    expect(guard.onStreamChunk(context, chatChunk('Here is how to build a pi'))).toBeUndefined();
    expect(() => guard.onStreamChunk(context, chatChunk('pe bomb at home'))).toThrow(
      'Request blocked by guardrail content_filter: violence',
    );
  });

  it('warns once, at the end of a stream, without touching the chunks', () => {
    const guard = plugin({ CONTENT_FILTER_ACTION: 'warn' });
    const context = ctx();
    expect(guard.onStreamChunk(context, chatChunk('I want to end'))).toBeUndefined();
    expect(guard.onStreamChunk(context, chatChunk(' my life', 'stop'))).toBeUndefined();
    expect(context.responseHeaders).toEqual({});
    expect(guard.onStreamEnd(context)).toBeUndefined();
    expect(guard.onStreamEnd(context)).toBeUndefined();
    expect(context.responseHeaders[GUARDRAIL_WARNING_HEADER]).toBe('content_filter:self_harm');
  });

  it('leaves the output alone when it applies to input only', () => {
    const guard = plugin({ CONTENT_FILTER_APPLY_TO: 'input' });
    const context = ctx();
    expect(guard.onStreamChunk(context, chatChunk('how to build a pipe bomb'))).toBeUndefined();
    expect(guard.onStreamEnd(context)).toBeUndefined();
  });

  describe('tool calls', () => {
    const callChunk = (args: string) => ({
      ...chatChunk(undefined),
      choices: [{ index: 0, delta: { tool_calls: [{ index: 0, function: { arguments: args } }] } }],
    });
    const argsDelta = (partial: string) => ({
      type: 'content_block_delta',
      index: 1,
      delta: { type: 'input_json_delta', partial_json: partial },
    });

    it('blocks a unary answer on its tool-call arguments', () => {
      const args = JSON.stringify({ q: 'how to build a pipe bomb' });
      const call = { id: 'c', type: 'function', function: { name: 'f', arguments: args } };
      const message = { role: 'assistant', content: null, tool_calls: [call] };
      const success = { result: { choices: [{ index: 0, message }] } } as never;
      const request = guardrailContext({ model: 'm', messages: [] });
      expect(() => plugin().onLlmSuccess(request, success)).toThrow(
        'Request blocked by guardrail content_filter: violence',
      );
    });

    it('scans streamed argument fragments, a phrase split across them included', () => {
      const guard = plugin();
      const context = ctx();
      expect(guard.onStreamChunk(context, callChunk('{"q":"how to build a pi'))).toBeUndefined();
      expect(() => guard.onStreamChunk(context, callChunk('pe bomb"}'))).toThrow(
        'Request blocked by guardrail content_filter: violence',
      );
    });

    it('scans Messages input_json_delta and whole arguments a Responses event repeats', () => {
      const guard = plugin();
      const messages = ctx();
      expect(guard.onStreamChunk(messages, argsDelta('{"q":"how to build a pi'))).toBeUndefined();
      expect(() => guard.onStreamChunk(messages, argsDelta('pe bomb"}'))).toThrow('violence');
      const done = {
        type: 'response.function_call_arguments.done',
        output_index: 0,
        arguments: '{"q":"how to build a pipe bomb"}',
      };
      expect(() => guard.onStreamChunk(ctx(), done)).toThrow('violence');
    });

    it('leaves clean tool calls alone', () => {
      const guard = plugin();
      const context = ctx();
      expect(guard.onStreamChunk(context, callChunk('{"city":"Paris"}'))).toBeUndefined();
      expect(guard.onStreamEnd(context)).toBeUndefined();
    });

    it('checks the tool results of a request', () => {
      const request = guardrailContext(
        {
          model: 'm',
          input: [{ type: 'function_call_output', call_id: 'c', output: 'I want to end my life' }],
        },
        { endpoint: 'responses' },
      );
      expect(() => plugin().onLlmPreCall(request)).toThrow('self_harm');
    });
  });
});
