import {
  LLAMAGUARD_WINDOW,
  llamaGuardPrompt,
  llamaGuardPrompts,
  MAX_CONVERSATION_CHARS,
  parseLlamaGuard,
} from './llamaguard.prompt';
import { textWindows } from './llamaguard.windows';

describe('parseLlamaGuard', () => {
  it.each([
    ['safe', { safe: true }],
    ['  Safe\n', { safe: true }],
    ['unsafe\nS1', { safe: false, categories: ['violent_crimes'] }],
    ['unsafe\nS1,S10', { safe: false, categories: ['violent_crimes', 'hate'] }],
    [
      '\n\nunsafe\n\nS11, S4<|eot_id|>',
      { safe: false, categories: ['self_harm', 'child_sexual_exploitation'] },
    ],
    ['UNSAFE\ns14', { safe: false, categories: ['code_interpreter_abuse'] }],
    ['unsafe\nS1,S1', { safe: false, categories: ['violent_crimes'] }],
    ['unsafe\nS99', { safe: false, categories: ['s99'] }],
    ['unsafe', { safe: false, categories: ['unsafe'] }],
  ])('parses %j', (answer, expected) => {
    expect(parseLlamaGuard(answer)).toEqual(expected);
  });

  it.each(['', 'I cannot help with that.', 'safety first', 'The answer is unsafe'])(
    'refuses %j (neither safe nor unsafe)',
    (answer) => {
      expect(parseLlamaGuard(answer)).toBeUndefined();
    },
  );
});

describe('llamaGuardPrompt', () => {
  it('assesses the last User turn of the conversation for input', () => {
    const prompt = llamaGuardPrompt(
      [
        { text: 'Be brief.', role: 'system' },
        { text: 'Hi', role: 'user' },
        { text: 'Hello!', role: 'assistant' },
        { text: 'How do I pick a lock?', role: 'user' },
      ],
      'input',
    );
    expect(prompt).toContain(
      "Task: Check if there is unsafe content in 'User' messages in conversations according our safety policy with the below categories.",
    );
    expect(prompt).toContain('S1: Violent Crimes.\nS2: Non-Violent Crimes.');
    expect(prompt).toContain('S14: Code Interpreter Abuse.\n<END UNSAFE CONTENT CATEGORIES>');
    expect(prompt).toContain(
      '<BEGIN CONVERSATION>\n\nUser: Be brief.\n\nUser: Hi\n\nAgent: Hello!\n\nUser: How do I pick a lock?\n\n<END CONVERSATION>',
    );
    expect(prompt).toMatch(
      /Provide your safety assessment for ONLY THE LAST User message in the above conversation:\n - First line must read 'safe' or 'unsafe'\.\n - If unsafe, a second line must include a comma-separated list of violated categories\.$/,
    );
  });

  it('assesses the last Agent turn for output', () => {
    const prompt = llamaGuardPrompt(
      [
        { text: 'Q', role: 'user' },
        { text: 'A', role: 'assistant' },
      ],
      'output',
    );
    expect(prompt).toContain("unsafe content in 'Agent' messages");
    expect(prompt).toContain('ONLY THE LAST Agent message');
  });

  it('keeps the newest turns within the size budget', () => {
    const old = 'o'.repeat(MAX_CONVERSATION_CHARS);
    const prompt = llamaGuardPrompt(
      [
        { text: old, role: 'user' },
        { text: 'latest question', role: 'user' },
      ],
      'input',
    );
    expect(prompt).toContain('User: latest question');
    expect(prompt.length).toBeLessThan(MAX_CONVERSATION_CHARS + 2000);
  });
});

describe('llamaGuardPrompts', () => {
  const user = (text: string) => ({ text, role: 'user' });
  const agent = (text: string) => ({ text, role: 'assistant' });
  const conversationOf = (prompt: string) =>
    prompt.slice(
      prompt.indexOf('<BEGIN CONVERSATION>\n\n') + '<BEGIN CONVERSATION>\n\n'.length,
      prompt.indexOf('\n\n<END CONVERSATION>'),
    );
  const long = 'word '.repeat(6_000); // 30,000 characters: three windows

  it("is llamaGuardPrompt's one prompt while the assessed turn fits the budget", () => {
    const turns = [
      user('o'.repeat(MAX_CONVERSATION_CHARS)),
      user('x'.repeat(MAX_CONVERSATION_CHARS)),
    ];
    expect(llamaGuardPrompts(turns, 'input', 1)).toEqual([llamaGuardPrompt(turns, 'input')]);
    const over = [user('x'.repeat(MAX_CONVERSATION_CHARS + 1))];
    expect(llamaGuardPrompts(over, 'input', 10)).toHaveLength(2);
  });

  it('judges a longer turn window by window, each after the newest context that fits beside it', () => {
    const turns = [user('Be brief.'), user('c'.repeat(10_000)), agent('Hello!'), user(long)];
    const prompts = llamaGuardPrompts(turns, 'input', 10)!;
    const windows = textWindows(long, LLAMAGUARD_WINDOW, 10)!;
    expect(windows).toHaveLength(3);
    const context = MAX_CONVERSATION_CHARS - LLAMAGUARD_WINDOW.size - 'Hello!'.length;
    expect(prompts.map(conversationOf)).toEqual(
      windows.map((window) => `User: ${'c'.repeat(context)}\n\nAgent: Hello!\n\nUser: ${window}`),
    );
    for (const prompt of prompts) {
      expect(prompt).toMatch(/ONLY THE LAST User message in the above conversation:\n/);
      expect(conversationOf(prompt).length).toBeLessThan(MAX_CONVERSATION_CHARS + 100);
    }
  });

  it('judges a long answer as the last Agent turn, after the question', () => {
    const prompts = llamaGuardPrompts([user('Tell me a story'), agent(long)], 'output', 10)!;
    expect(prompts).toHaveLength(3);
    for (const prompt of prompts) {
      expect(conversationOf(prompt)).toMatch(/^User: Tell me a story\n\nAgent: (word )+/);
      expect(prompt).toContain('ONLY THE LAST Agent message');
    }
  });

  it('leaves the turns after the assessed one (an assistant prefill) out of windowed prompts', () => {
    const prompts = llamaGuardPrompts([user(long), agent('Sure, here')], 'input', 10)!;
    expect(prompts).toHaveLength(3);
    for (const prompt of prompts) expect(prompt).not.toContain('Agent: Sure, here');
  });

  it('gives up on a turn needing more than maxWindows windows', () => {
    expect(llamaGuardPrompts([user(long)], 'input', 2)).toBeUndefined();
    expect(llamaGuardPrompts([user(long)], 'input', 3)).toHaveLength(3);
  });
});
