import { guardrailContext, guardrailsConfigOf } from '../__fixtures__/guardrail-context';
import type { PluginLlmSuccess } from '../../plugin.types';
import { GUARDRAIL_WARNING_HEADER } from '../text-guardrail.plugin';
import { PiiGuardrailPlugin } from './pii-guardrail.plugin';

type Json = Record<string, unknown>;

const plugin = (env: Record<string, string> = {}): PiiGuardrailPlugin =>
  new PiiGuardrailPlugin(guardrailsConfigOf({ GUARDRAIL_PII_ENABLED: 'true', ...env }));

const ARGS = '{"to":"jane.doe@example.com","body":"Card\\n4111 1111 1111 1111"}';
const REDACTED = { to: '[REDACTED_EMAIL]', body: 'Card\n[REDACTED_CREDIT_CARD]' };

function answer(message: Json): PluginLlmSuccess {
  return {
    deploymentId: 'd1',
    provider: 'openai',
    modelGroup: 'gpt-4o-mini',
    result: {
      id: 'chatcmpl-1',
      object: 'chat.completion',
      choices: [
        { index: 0, message: { role: 'assistant', ...message }, finish_reason: 'tool_calls' },
      ],
    },
    usage: undefined,
    latencyMs: 1,
  };
}

const toolCall = (args: string) => ({
  id: 'call_1',
  type: 'function',
  function: { name: 'send_mail', arguments: args },
});

/** The chat request of a conversation whose assistant turn called a tool. */
const conversation = (args: string, result: string): Json => ({
  model: 'gpt-4o-mini',
  messages: [
    { role: 'user', content: 'Mail Jane' },
    { role: 'assistant', content: null, tool_calls: [toolCall(args)] },
    { role: 'tool', tool_call_id: 'call_1', content: result },
  ],
});

describe(`${PiiGuardrailPlugin.name} and tool calls`, () => {
  it('redacts the arguments of a unary answer, keeping them valid JSON, on a copy', () => {
    const success = answer({
      content: 'Sending to jane.doe@example.com',
      tool_calls: [toolCall(ARGS)],
    });
    const before = success.result;
    void plugin().onLlmSuccess(guardrailContext({}), success);
    expect(success.result).not.toBe(before);
    const message = (success.result as { choices: Array<{ message: Json }> }).choices[0]!.message;
    expect(message.content).toBe('Sending to [REDACTED_EMAIL]');
    const calls = message.tool_calls as Array<ReturnType<typeof toolCall>>;
    expect(JSON.parse(calls[0]!.function.arguments)).toEqual(REDACTED);
    expect(calls[0]).toMatchObject({ id: 'call_1', function: { name: 'send_mail' } });
    expect(JSON.stringify(before)).toContain('jane.doe@example.com');
  });

  it('redacts legacy function_call arguments, and non-JSON arguments as text', () => {
    const success = answer({ content: null, function_call: { name: 'f', arguments: 'to a@b.io' } });
    void plugin().onLlmSuccess(guardrailContext({}), success);
    expect(success.result).toMatchObject({
      choices: [{ message: { function_call: { name: 'f', arguments: 'to [REDACTED_EMAIL]' } } }],
    });
  });

  it('blocks an answer whose only PII is in tool-call arguments', () => {
    const success = answer({ content: null, tool_calls: [toolCall('{"ssn":"123-45-6789"}')] });
    let error: unknown;
    try {
      void plugin({ GUARDRAIL_PII_ACTION: 'block' }).onLlmSuccess(guardrailContext({}), success);
    } catch (caught) {
      error = caught;
    }
    expect(error).toMatchObject({ status: 400, code: 'guardrail_blocked', category: 'ssn' });
  });

  it('redacts the arguments and tool results of the conversation sent upstream', () => {
    const ctx = guardrailContext(
      conversation(ARGS, '{"status":"sent","to":"jane.doe@example.com"}'),
    );
    void plugin().onLlmPreCall(ctx);
    const [, turn, result] = ctx.request.messages as Json[];
    const calls = turn!.tool_calls as Array<ReturnType<typeof toolCall>>;
    expect(JSON.parse(calls[0]!.function.arguments)).toEqual(REDACTED);
    expect(JSON.parse(result!.content as string)).toEqual({
      status: 'sent',
      to: '[REDACTED_EMAIL]',
    });
  });

  it('blocks, warns on or only logs PII in tool-call arguments of the input', () => {
    const blocked = guardrailContext(conversation('{"ip":"10.1.2.3"}', 'ok'));
    expect(() => plugin({ GUARDRAIL_PII_ACTION: 'block' }).onLlmPreCall(blocked)).toThrow(
      'Request blocked by guardrail pii: ip',
    );
    const warned = guardrailContext(conversation('{"ip":"10.1.2.3"}', 'ok'));
    void plugin({ GUARDRAIL_PII_ACTION: 'warn' }).onLlmPreCall(warned);
    expect(warned.responseHeaders[GUARDRAIL_WARNING_HEADER]).toBe('pii:ip');
    expect(JSON.stringify(warned.request)).toContain('10.1.2.3');
  });

  it('redacts Messages tool_use inputs and tool_result blocks, and Responses function calls', () => {
    const messages = guardrailContext(
      {
        model: 'm',
        messages: [
          {
            role: 'assistant',
            content: [{ type: 'tool_use', id: 't', name: 'mail', input: { to: 'a@b.io', n: 1 } }],
          },
          {
            role: 'user',
            content: [{ type: 'tool_result', tool_use_id: 't', content: 'sent to a@b.io' }],
          },
        ],
      },
      { endpoint: 'messages' },
    );
    void plugin().onLlmPreCall(messages);
    expect(messages.request.messages).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'tool_use', id: 't', name: 'mail', input: { to: '[REDACTED_EMAIL]', n: 1 } },
        ],
      },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: 't', content: 'sent to [REDACTED_EMAIL]' }],
      },
    ]);

    const success: PluginLlmSuccess = {
      ...answer({}),
      result: {
        output: [
          { type: 'function_call', call_id: 'c', name: 'mail', arguments: '{"to":"a@b.io"}' },
        ],
      },
    };
    void plugin().onLlmSuccess(
      guardrailContext({ input: 'x' }, { endpoint: 'responses' }),
      success,
    );
    expect(success.result).toEqual({
      output: [
        {
          type: 'function_call',
          call_id: 'c',
          name: 'mail',
          arguments: '{"to":"[REDACTED_EMAIL]"}',
        },
      ],
    });
  });

  it('leaves clean tool calls as they are (the same result object)', () => {
    const success = answer({ content: null, tool_calls: [toolCall('{"city":"Oslo"}')] });
    const before = success.result;
    void plugin().onLlmSuccess(guardrailContext({}), success);
    expect(success.result).toBe(before);
  });
});
