/** `source` of an ApplyGuardrail request. */
export type GuardrailSource = 'INPUT' | 'OUTPUT';

/** The body of `POST /guardrail/{id}/version/{version}/apply`. */
export interface ApplyGuardrailRequest {
  readonly source: GuardrailSource;
  readonly content: ReadonlyArray<{ readonly text: { readonly text: string } }>;
}

/** The fields of an ApplyGuardrail answer the gateway reads. */
export interface ApplyGuardrailResponse {
  readonly action?: string;
  readonly outputs?: ReadonlyArray<{ readonly text?: string }>;
  readonly assessments?: readonly unknown[];
}

/** What Bedrock decided, for the plugin to apply. */
export type BedrockDecision =
  | { readonly kind: 'pass' }
  | { readonly kind: 'block'; readonly categories: readonly string[] }
  /** Masked texts, one per text sent. */
  | {
      readonly kind: 'mask';
      readonly categories: readonly string[];
      readonly texts: readonly string[];
    }
  /** Masked, but the outputs do not map one to one onto the texts sent. */
  | { readonly kind: 'mask_unmapped'; readonly categories: readonly string[] };

type Json = Record<string, unknown>;

export function applyGuardrailRequest(
  source: GuardrailSource,
  texts: readonly string[],
): ApplyGuardrailRequest {
  return { source, content: texts.map((text) => ({ text: { text } })) };
}

function isJson(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(holder: unknown, key: string): Json[] {
  const value = isJson(holder) ? holder[key] : undefined;
  return Array.isArray(value) ? value.filter(isJson) : [];
}

/** `Investment Advice` → `investment_advice`: operator-chosen names as category words. */
function word(value: unknown): string {
  const text = typeof value === 'string' ? value : 'unknown';
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_|_$/g, '') || 'unknown'
  );
}

interface Finding {
  readonly category: string;
  readonly action: string;
}

/** Every finding of one assessment, by policy; never the matched text. */
function findings(assessment: Json): Finding[] {
  const of = (entries: Json[], category: (entry: Json) => string): Finding[] =>
    entries.map((entry) => ({
      category: category(entry),
      action: typeof entry.action === 'string' ? entry.action : '',
    }));
  const { topicPolicy, contentPolicy, wordPolicy, sensitiveInformationPolicy } = assessment;
  const grounding = assessment.contextualGroundingPolicy;
  return [
    ...of(list(topicPolicy, 'topics'), (e) => `topic:${word(e.name)}`),
    ...of(list(contentPolicy, 'filters'), (e) => `content:${word(e.type)}`),
    ...of(list(wordPolicy, 'customWords'), () => 'word:custom'),
    ...of(list(wordPolicy, 'managedWordLists'), (e) => `word:${word(e.type)}`),
    ...of(
      list(sensitiveInformationPolicy, 'piiEntities'),
      (e) => `sensitive_information:${word(e.type)}`,
    ),
    ...of(
      list(sensitiveInformationPolicy, 'regexes'),
      (e) => `sensitive_information:${word(e.name)}`,
    ),
    ...of(list(grounding, 'filters'), (e) => `contextual_grounding:${word(e.type)}`),
  ];
}

const sorted = (values: Iterable<string>): string[] => [...new Set(values)].sort();

/**
 * Maps an ApplyGuardrail answer: `NONE` passes; `GUARDRAIL_INTERVENED` blocks when any policy
 * blocked (or none says why: fail closed), and masks with the answer's outputs when every
 * intervention is an anonymisation.
 */
export function bedrockDecision(
  response: ApplyGuardrailResponse,
  sent: readonly string[],
): BedrockDecision {
  if (response.action !== 'GUARDRAIL_INTERVENED') return { kind: 'pass' };
  const all = (response.assessments ?? []).filter(isJson).flatMap(findings);
  const blocked = all.filter((finding) => finding.action === 'BLOCKED');
  const masked = all.filter((finding) => finding.action === 'ANONYMIZED');
  if (blocked.length > 0)
    return { kind: 'block', categories: sorted(blocked.map((f) => f.category)) };
  if (masked.length === 0) return { kind: 'block', categories: ['guardrail_intervened'] };
  const categories = sorted(masked.map((finding) => finding.category));
  const outputs: unknown[] = Array.isArray(response.outputs) ? response.outputs : [];
  const texts = outputs.map((output) => {
    const text = isJson(output) ? output.text : undefined;
    return typeof text === 'string' ? text : '';
  });
  if (texts.length === sent.length) return { kind: 'mask', categories, texts };
  if (sent.length === 1 && texts.length > 0)
    return { kind: 'mask', categories, texts: [texts.join('')] };
  return { kind: 'mask_unmapped', categories };
}
