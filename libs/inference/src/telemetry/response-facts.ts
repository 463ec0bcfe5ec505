/** What a response says about itself, for the GenAI span attributes. */
export interface ResponseFacts {
  id?: string;
  model?: string;
  finishReasons: string[];
}

type Loose = Record<string, unknown> | undefined;

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function addReason(facts: ResponseFacts, reason: unknown): void {
  const text = str(reason);
  if (!text) return;
  const reasons = facts.finishReasons;
  // The first one in an array of its size (a push onto `[]` reserves 17 slots).
  if (reasons.length === 0) facts.finishReasons = [text];
  else if (!reasons.includes(text)) reasons.push(text);
}

/**
 * Reads id, model and finish reasons from a response or stream chunk of any surface: OpenAI
 * (`choices[].finish_reason`), Anthropic (`stop_reason`, `message_start`, `message_delta`) and
 * Responses (`response.*` events, `status`). Called only when tracing is on.
 */
export function readFacts(payload: object, facts: ResponseFacts): void {
  const body = payload as Record<string, unknown>;
  const nested = (body.message ?? body.response) as Loose;
  const source = nested && typeof nested === 'object' ? nested : body;
  facts.id ??= str(source.id);
  facts.model ??= str(source.model);
  const choices = body.choices;
  if (Array.isArray(choices)) {
    for (const choice of choices as Loose[]) addReason(facts, choice?.finish_reason);
  }
  addReason(facts, source.stop_reason);
  addReason(facts, (body.delta as Loose)?.stop_reason);
  if (body.object === 'response' || (nested && body.response !== undefined)) {
    const status = str(source.status);
    if (status && status !== 'in_progress' && status !== 'queued') addReason(facts, status);
  }
}

export function newFacts(): ResponseFacts {
  return { finishReasons: [] };
}
