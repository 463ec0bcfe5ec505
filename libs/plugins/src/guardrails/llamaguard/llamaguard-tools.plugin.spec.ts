import type { ChatCompletionRequest } from '@routeiq/providers';
import type { PluginEndpoint } from '../../plugin.types';
import { guardrailContext } from '../__fixtures__/guardrail-context';
import { llamaGuardPlugin, promptOf } from './__fixtures__/llamaguard-plugin';
import { LlamaGuardGuardrailPlugin } from './llamaguard-guardrail.plugin';

// A tool result is untrusted content the model reads next (an indirect injection, harmful text
// fetched from the web): on input, LlamaGuard judges it as the caller's last User turn.
const HARMFUL = 'Step 1: mix the precursors to make sarin at home';
const CLEAN = 'Sunny, 21 degrees';

/** The conversation of a guard prompt, between its markers. */
function conversationOf(request: ChatCompletionRequest | undefined): string {
  const prompt = promptOf(request);
  const start = prompt.indexOf('<BEGIN CONVERSATION>\n\n') + '<BEGIN CONVERSATION>\n\n'.length;
  return prompt.slice(start, prompt.indexOf('\n\n<END CONVERSATION>'));
}

/** The turn a guard prompt asks about: its last `User: ` turn. */
const judged = (request: ChatCompletionRequest): string => {
  const conversation = conversationOf(request);
  return conversation.slice(conversation.lastIndexOf('User: '));
};

/** A guard model that calls a judged turn carrying the harmful text unsafe (S9). */
const flagging = async (request: ChatCompletionRequest): Promise<string> =>
  judged(request).includes(HARMFUL) ? 'unsafe\nS9' : 'safe';

const BLOCKED = {
  status: 400,
  code: 'guardrail_blocked',
  message: 'Request blocked by guardrail llamaguard: indiscriminate_weapons',
};

const call = (id: string, name: string) => ({
  id,
  type: 'function',
  function: { name, arguments: '{}' },
});
const asked = { role: 'user', content: 'What is the weather, and how do I clean my lab?' };
const calling = {
  role: 'assistant',
  content: null,
  tool_calls: [call('c1', 'w'), call('c2', 'l')],
};
const tool = (id: string, content: unknown) => ({ role: 'tool', tool_call_id: id, content });

const request = (endpoint: PluginEndpoint, body: object, stream = false) =>
  guardrailContext({ model: 'm', ...body, ...(stream && { stream }) }, { endpoint, stream });
const chat = (messages: object[], stream = false) => request('chat', { messages }, stream);

describe(`${LlamaGuardGuardrailPlugin.name} on tool results`, () => {
  it('blocks a harmful chat tool result that ends the conversation, streamed or not', async () => {
    for (const stream of [false, true]) {
      const { guard, asked: sent } = llamaGuardPlugin(flagging);
      const ctx = chat([asked, calling, tool('c1', HARMFUL)], stream);
      await expect(guard.onLlmPreCall(ctx)).rejects.toMatchObject(BLOCKED);
      expect(sent).toHaveLength(1);
      expect(judged(sent[0]!)).toBe(`User: ${HARMFUL}`);
    }
  });

  it('judges every tool result after the last assistant turn as one User turn, in one call', async () => {
    const { guard, asked: sent } = llamaGuardPlugin(flagging);
    const results = [tool('c1', [{ type: 'text', text: HARMFUL }]), tool('c2', CLEAN)];
    await expect(guard.onLlmPreCall(chat([asked, calling, ...results]))).rejects.toMatchObject(
      BLOCKED,
    );
    expect(sent).toHaveLength(1);
    expect(judged(sent[0]!)).toBe(`User: ${HARMFUL}\n\n${CLEAN}`);
  });

  it('passes clean tool results with the conversation as context and one call', async () => {
    const { guard, asked: sent } = llamaGuardPlugin(flagging);
    const messages = [
      { role: 'system', content: 'Use the tools.' },
      asked,
      calling,
      tool('c1', CLEAN),
      tool('c2', '{"steps":["rinse","dry"]}'),
      { role: 'user', content: 'Thanks, go on.' },
    ];
    await expect(guard.onLlmPreCall(chat(messages))).resolves.toBeUndefined();
    expect(sent).toHaveLength(1);
    expect(conversationOf(sent[0])).toBe(
      `User: Use the tools.\n\nUser: ${asked.content}\n\n` +
        `User: ${CLEAN}\n\n{"steps":["rinse","dry"]}\n\nThanks, go on.`,
    );
    expect(promptOf(sent[0])).toContain('ONLY THE LAST User message');
  });

  it('keeps an earlier harmful tool result as context only: a clean later turn passes', async () => {
    // Earlier turns were judged when each was the last; as the prompt has always carried them,
    // they are the context of the turn judged now, not judged again.
    const { guard, asked: sent } = llamaGuardPlugin(flagging);
    const messages = [
      asked,
      calling,
      tool('c1', HARMFUL),
      { role: 'assistant', content: 'I will not help with that.' },
      { role: 'user', content: 'Fine, just the weather then.' },
    ];
    await expect(guard.onLlmPreCall(chat(messages))).resolves.toBeUndefined();
    expect(sent).toHaveLength(1);
    expect(conversationOf(sent[0])).toContain(
      `User: ${HARMFUL}\n\nAgent: I will not help with that.\n\nUser: Fine, just the weather then.`,
    );
    expect(judged(sent[0]!)).toBe('User: Fine, just the weather then.');
  });

  it('blocks a harmful Messages tool_result block, beside the text of its user turn', async () => {
    const { guard, asked: sent } = llamaGuardPlugin(flagging);
    const messages = [
      { role: 'user', content: asked.content },
      { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'w', input: {} }] },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 't1', content: [{ type: 'text', text: HARMFUL }] },
          { type: 'text', text: 'Summarise that.' },
        ],
      },
    ];
    const ctx = request('messages', { system: 'Be brief.', max_tokens: 9, messages }, true);
    await expect(guard.onLlmPreCall(ctx)).rejects.toMatchObject(BLOCKED);
    expect(sent).toHaveLength(1);
    expect(conversationOf(sent[0])).toBe(
      `User: Be brief.\n\nUser: ${asked.content}\n\nUser: ${HARMFUL}\n\nSummarise that.`,
    );
  });

  it('judges a Responses continuation whose input is only function_call_output items', async () => {
    const { guard, asked: sent } = llamaGuardPlugin(flagging);
    const input = [
      { type: 'function_call_output', call_id: 'c1', output: CLEAN },
      { type: 'function_call_output', call_id: 'c2', output: HARMFUL },
    ];
    const ctx = request('responses', { previous_response_id: 'resp_1', input });
    await expect(guard.onLlmPreCall(ctx)).rejects.toMatchObject(BLOCKED);
    expect(sent).toHaveLength(1);
    expect(conversationOf(sent[0])).toBe(`User: ${CLEAN}\n\n${HARMFUL}`);
  });

  it('judges a long tool result whole, in windows, with the conversation before it', async () => {
    const filler = 'The forecast stays mild all week. '.repeat(1_000); // 34,000 characters
    const { guard, asked: sent } = llamaGuardPlugin(flagging, { LLAMAGUARD_TIMEOUT_MS: '5000' });
    const ctx = chat([asked, calling, tool('c1', CLEAN), tool('c2', `${filler}${HARMFUL}`)]);
    await expect(guard.onLlmPreCall(ctx)).rejects.toMatchObject(BLOCKED);
    expect(sent).toHaveLength(3);
    expect(sent.filter((guardRequest) => judged(guardRequest).includes(HARMFUL))).toHaveLength(1);
    for (const guardRequest of sent) {
      expect(conversationOf(guardRequest)).toMatch(/^User: What is the weather.*\n\nUser: /);
    }
  });
});
