/** The built-in guardrails, by the name keys and teams select them with (`metadata.guardrails`). */
export const GUARDRAIL_NAMES = [
  'pii',
  'prompt_injection',
  'content_filter',
  'llamaguard',
  'bedrock',
] as const;

export type GuardrailName = (typeof GUARDRAIL_NAMES)[number];

/** Which side of the call a check runs on. */
export type GuardrailDirection = 'input' | 'output';

/** `*_APPLY_TO`: the directions a guardrail checks. */
export type GuardrailApplyTo = 'input' | 'output' | 'both';

/** What a guardrail does with what it found. */
export type GuardrailAction = 'redact' | 'block' | 'warn' | 'log';

/** One piece of text a guardrail checks, with the role of the message it came from. */
export interface GuardedText {
  readonly text: string;
  /** `user`, `assistant`, `system`, `tool`, … when the text sits in a message. */
  readonly role?: string;
  /**
   * The text may be JSON (tool-call arguments, tool results): a guardrail that rewrites it keeps
   * valid JSON valid.
   */
  readonly json?: boolean;
}

/** A guardrail's finding on a set of texts. */
export type GuardrailVerdict =
  | { readonly kind: 'pass' }
  /** Found `categories`; the guardrail's action says what happens. */
  | {
      readonly kind: 'flag';
      readonly action: Exclude<GuardrailAction, 'redact'>;
      readonly categories: readonly string[];
    }
  /** Found `categories` and masked them: `texts` replaces the checked texts, one for one. */
  | {
      readonly kind: 'redact';
      readonly categories: readonly string[];
      readonly texts: readonly string[];
    };

export const PASS: GuardrailVerdict = { kind: 'pass' };

export function appliesTo(applyTo: GuardrailApplyTo, direction: GuardrailDirection): boolean {
  return applyTo === 'both' || applyTo === direction;
}
