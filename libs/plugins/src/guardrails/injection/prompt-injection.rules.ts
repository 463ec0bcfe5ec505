/** A sign of prompt injection and how strongly it alone suggests one (0–1). */
export interface InjectionRule {
  readonly id: string;
  readonly weight: number;
  readonly pattern: RegExp;
}

// `[^.!?\n]{0,N}` keeps a rule within one clause and bounds the work per position.
const GAP = (n: number): string => `[^.!?\\n]{0,${n}}`;
const rule = (id: string, weight: number, source: string): InjectionRule => ({
  id,
  weight,
  pattern: new RegExp(source, 'i'),
});

export const INJECTION_RULES: readonly InjectionRule[] = [
  // Instruction override.
  rule(
    'override',
    0.85,
    `\\b(ignore|disregard|forget|override|bypass)\\b${GAP(40)}\\b(previous|prior|above|earlier|preceding|all|any|your|the|system|developer)\\b${GAP(30)}\\b(instructions?|prompts?|rules|directives|guidelines|constraints|guardrails|policies)\\b`,
  ),
  rule(
    'new_instructions',
    0.5,
    `\\b(new|updated|real|actual|true) (instructions|rules|system prompt)\\s*:`,
  ),
  rule(
    'from_now_on',
    0.4,
    `\\bfrom now on\\b${GAP(60)}\\b(you (will|must|are|shall)|act|respond|answer|reply)\\b`,
  ),
  rule(
    'no_longer',
    0.6,
    `\\byou (are|will) no longer\\b${GAP(40)}\\b(bound|restricted|limited|an? (ai|assistant|language model))`,
  ),
  // Role-play jailbreaks.
  rule(
    'dan',
    0.9,
    `\\bdo anything now\\b|\\bd\\.?a\\.?n\\.?\\b${GAP(40)}\\b(mode|jailbreak|no restrictions|anything)\\b`,
  ),
  rule(
    'jailbreak_mode',
    0.7,
    `\\b(jailbreak|jailbroken|god|unrestricted|evil|unfiltered) mode\\b|\\bdeveloper mode (enabled|output|response)\\b`,
  ),
  rule(
    'pretend_unrestricted',
    0.85,
    `\\b(pretend|imagine|roleplay|role-play|act|behave|respond)\\b${GAP(60)}\\b(no|without|free of|free from|any) (restrictions|rules|filters|limits|limitations|guidelines|censorship|ethics)\\b`,
  ),
  rule(
    'unfiltered_persona',
    0.6,
    `\\b(as|be) an? (unfiltered|uncensored|unrestricted|amoral) (ai|assistant|model|chatbot|persona)\\b`,
  ),
  rule(
    'no_ethics',
    0.5,
    `\\b(without|no|ignore) (any )?(ethical|moral|safety|content) (guidelines|restrictions|constraints|filters|policies)\\b`,
  ),
  rule('jailbreak_word', 0.4, `\\bjailbreak(ing)?\\b`),
  // System prompt exfiltration.
  rule(
    'exfiltrate_own',
    0.75,
    `\\b(reveal|show|print|display|repeat|output|leak|dump|tell me|give me|what (is|are|was|were))\\b${GAP(40)}\\byour (full |entire |complete |original |initial |hidden |secret )?(system prompt|system message|initial instructions|hidden instructions|original instructions|pre-?prompt)\\b`,
  ),
  rule(
    'exfiltrate',
    0.45,
    `\\b(reveal|show|print|display|repeat|output|leak|dump)\\b${GAP(40)}\\bthe (full |entire |complete |original |initial |hidden |secret )?(system prompt|system message|hidden instructions)\\b`,
  ),
  rule(
    'repeat_above',
    0.7,
    `\\brepeat (everything|all|the text|the words|the instructions) (above|before|preceding)\\b`,
  ),
  rule(
    'verbatim',
    0.5,
    `\\b(verbatim|word for word)\\b${GAP(40)}\\b(prompt|instructions)\\b|\\b(prompt|instructions)\\b${GAP(40)}\\b(verbatim|word for word)\\b`,
  ),
  // Delimiter and encoding tricks.
  rule(
    'chat_tokens',
    0.8,
    `<\\|(im_start|im_end|system|endoftext|start_header_id|end_header_id|eot_id)\\|>`,
  ),
  rule('inst_tags', 0.7, `\\[/?(inst|sys)\\]|<</?sys>>`),
  rule(
    'fake_section',
    0.6,
    `(^|\\n)\\s*(#{2,}|={3,}|-{3,})\\s*(system|new instructions|end of (the )?(prompt|instructions))\\b`,
  ),
  rule('fake_tags', 0.5, `</?(system|instructions?|admin|developer)>`),
  rule('fake_boundary', 0.5, `\\b(begin|end) (of )?(the )?(system prompt|instructions)\\b`),
  rule(
    'decode_and_obey',
    0.7,
    `\\b(decode|base64|rot13|hex)\\b${GAP(40)}\\b(and|then) (follow|execute|run|obey|do)\\b`,
  ),
];

/** Weight added when a decoded base64 payload itself looks like an injection. */
export const ENCODED_PAYLOAD_WEIGHT = 0.5;
