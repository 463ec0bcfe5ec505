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
});
