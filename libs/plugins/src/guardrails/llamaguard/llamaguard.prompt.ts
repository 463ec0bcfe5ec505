import type { GuardedText, GuardrailDirection } from '../guardrail.types';
import { textWindows, type WindowShape } from './llamaguard.windows';

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

/** Most conversation text sent to the guard model in one call; the latest turns are kept. */
export const MAX_CONVERSATION_CHARS = 16_000;

/**
 * The windows a judged turn too long for one call is cut into: with the newest context they fill
 * the budget, and a phrase of up to 500 characters across a cut is still seen whole.
 */
export const LLAMAGUARD_WINDOW: WindowShape = { size: 12_000, overlap: 500, near: 200 };

/** The conversation before a windowed turn that each of its calls carries. */
const WINDOW_CONTEXT_CHARS = MAX_CONVERSATION_CHARS - LLAMAGUARD_WINDOW.size;

const CATEGORY_LIST = Object.entries(LLAMAGUARD_CATEGORIES)
  .map(([code, { title }]) => `${code}: ${title}.`)
  .join('\n');

const speakerOf = (turn: GuardedText): string => (turn.role === 'assistant' ? 'Agent' : 'User');

/** The conversation's turns, newest last, cut from the oldest end to the size budget. */
function conversation(turns: readonly GuardedText[], budget = MAX_CONVERSATION_CHARS): string {
  const lines: string[] = [];
  for (let i = turns.length - 1; i >= 0 && budget > 0; i--) {
    const turn = turns[i]!;
    const text = turn.text.length > budget ? turn.text.slice(-budget) : turn.text;
    budget -= text.length;
    lines.unshift(`${speakerOf(turn)}: ${text}`);
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
  return taskPrompt(conversation(turns), direction);
}

/**
 * The prompts that together judge all of the turn Llama Guard assesses (the last User turn for
 * input, the last Agent turn for output): `llamaGuardPrompt`'s one prompt when that turn, and
 * any after it, fit the budget; else one prompt per window of the turn (`LLAMAGUARD_WINDOW`),
 * each after the newest context that fits beside it. Turns after the assessed one (an input's
 * assistant prefill, which Llama Guard does not assess) are left out of windowed prompts.
 * @returns undefined when the turn needs more than `maxWindows` windows.
 */
export function llamaGuardPrompts(
  turns: readonly GuardedText[],
  direction: GuardrailDirection,
  maxWindows: number,
): string[] | undefined {
  const at = assessedTurn(turns, direction);
  if (at < 0 || charsOf(turns.slice(at)) <= MAX_CONVERSATION_CHARS) {
    return [llamaGuardPrompt(turns, direction)];
  }
  const turn = turns[at]!;
  const windows = textWindows(turn.text, LLAMAGUARD_WINDOW, maxWindows);
  if (windows === undefined) return undefined;
  const context = conversation(turns.slice(0, at), WINDOW_CONTEXT_CHARS);
  return windows.map((window) => {
    const line = `${speakerOf(turn)}: ${window}`;
    return taskPrompt(context === '' ? line : `${context}\n\n${line}`, direction);
  });
}

const charsOf = (turns: readonly GuardedText[]): number =>
  turns.reduce((sum, turn) => sum + turn.text.length, 0);

const roleOf = (direction: GuardrailDirection): string =>
  direction === 'input' ? 'User' : 'Agent';

/** The index of the last turn of the role Llama Guard assesses, or -1. */
function assessedTurn(turns: readonly GuardedText[], direction: GuardrailDirection): number {
  const role = roleOf(direction);
  for (let i = turns.length - 1; i >= 0; i--) if (speakerOf(turns[i]!) === role) return i;
  return -1;
}

function taskPrompt(conversationText: string, direction: GuardrailDirection): string {
  const role = roleOf(direction);
  return [
    `Task: Check if there is unsafe content in '${role}' messages in conversations according our safety policy with the below categories.`,
    '',
    '<BEGIN UNSAFE CONTENT CATEGORIES>',
    CATEGORY_LIST,
    '<END UNSAFE CONTENT CATEGORIES>',
    '',
    '<BEGIN CONVERSATION>',
    '',
    conversationText,
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
