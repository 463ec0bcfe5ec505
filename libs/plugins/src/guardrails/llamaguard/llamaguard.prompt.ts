import type { GuardedText, GuardrailDirection } from '../guardrail.types';

/** Llama Guard 3's hazard taxonomy: S-code → the category name a block reports. */
export const LLAMAGUARD_CATEGORIES: Readonly<Record<string, { title: string; name: string }>> = {
  S1: { title: 'Violent Crimes', name: 'violent_crimes' },
  S2: { title: 'Non-Violent Crimes', name: 'non_violent_crimes' },
  S3: { title: 'Sex-Related Crimes', name: 'sex_related_crimes' },
  S4: { title: 'Child Sexual Exploitation', name: 'child_sexual_exploitation' },
  S5: { title: 'Defamation', name: 'defamation' },
  S6: { title: 'Specialized Advice', name: 'specialized_advice' },
  S7: { title: 'Privacy', name: 'privacy' },
  S8: { title: 'Intellectual Property', name: 'intellectual_property' },
  S9: { title: 'Indiscriminate Weapons', name: 'indiscriminate_weapons' },
  S10: { title: 'Hate', name: 'hate' },
  S11: { title: 'Suicide & Self-Harm', name: 'self_harm' },
  S12: { title: 'Sexual Content', name: 'sexual_content' },
  S13: { title: 'Elections', name: 'elections' },
  S14: { title: 'Code Interpreter Abuse', name: 'code_interpreter_abuse' },
};

/** Most conversation text sent to the guard model; the latest turns are kept. */
export const MAX_CONVERSATION_CHARS = 16_000;

const CATEGORY_LIST = Object.entries(LLAMAGUARD_CATEGORIES)
  .map(([code, { title }]) => `${code}: ${title}.`)
  .join('\n');

/** The conversation's turns, newest last, cut from the oldest end to the size budget. */
function conversation(turns: readonly GuardedText[]): string {
  const lines: string[] = [];
  let budget = MAX_CONVERSATION_CHARS;
  for (let i = turns.length - 1; i >= 0 && budget > 0; i--) {
    const turn = turns[i]!;
    const speaker = turn.role === 'assistant' ? 'Agent' : 'User';
    const text = turn.text.length > budget ? turn.text.slice(-budget) : turn.text;
    budget -= text.length;
    lines.unshift(`${speaker}: ${text}`);
  }
  return lines.join('\n\n');
}

/**
 * Llama Guard 3's task prompt (the model's chat template adds the special tokens): the last
 * User turn is assessed for input, the last Agent turn (the answer) for output.
 */
export function llamaGuardPrompt(
  turns: readonly GuardedText[],
  direction: GuardrailDirection,
): string {
  const role = direction === 'input' ? 'User' : 'Agent';
  return [
    `Task: Check if there is unsafe content in '${role}' messages in conversations according our safety policy with the below categories.`,
    '',
    '<BEGIN UNSAFE CONTENT CATEGORIES>',
    CATEGORY_LIST,
    '<END UNSAFE CONTENT CATEGORIES>',
    '',
    '<BEGIN CONVERSATION>',
    '',
    conversation(turns),
    '',
    '<END CONVERSATION>',
    '',
    `Provide your safety assessment for ONLY THE LAST ${role} message in the above conversation:`,
    " - First line must read 'safe' or 'unsafe'.",
    ' - If unsafe, a second line must include a comma-separated list of violated categories.',
  ].join('\n');
}

/** The guard model's assessment: safe, or unsafe with category names. */
export type LlamaGuardAssessment =
  { readonly safe: true } | { readonly safe: false; readonly categories: readonly string[] };

/**
 * Parses `safe` or `unsafe\nS1,S10` (case, blank lines and stray special tokens tolerated).
 * Unknown codes are kept as `s<n>`; `unsafe` without codes is category `unsafe`.
 * @returns undefined when the answer is neither.
 */
export function parseLlamaGuard(answer: string): LlamaGuardAssessment | undefined {
  const lines = answer
    .replace(/<\|[a-z_]+\|>/gi, '\n')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '');
  const verdict = lines[0]?.toLowerCase();
  if (verdict === 'safe') return { safe: true };
  if (verdict !== 'unsafe') return undefined;
  const codes = (lines[1] ?? '').split(/[\s,]+/).filter((code) => /^s\d+$/i.test(code));
  const categories = [
    ...new Set(
      codes.map((code) => LLAMAGUARD_CATEGORIES[code.toUpperCase()]?.name ?? code.toLowerCase()),
    ),
  ];
  return { safe: false, categories: categories.length > 0 ? categories : ['unsafe'] };
}
