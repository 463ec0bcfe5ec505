import { PiecewiseText, TextPiece, type TextSink } from '@routeiq/observability';
import type {
  RouterDecision,
  RouterDecisionAttempt,
  RouterDecisionCandidate,
} from './router-decision';

// The JSON of a decision record (the `routeiq.router_decision.v1` span event of every traced
// request), the same text as `JSON.stringify(decision)`, as pieces that repeat from request to
// request: the part a model group's strategy and candidates decide is kept per group, the JSON of
// names and ids that recur (deployments, groups, reasons, error codes) per string, each with its
// UTF-8 bytes. The gateway's encoder copies those bytes into the OTLP buffer: no string is built
// per record (docs/performance.md "Tracing overhead", sessions 16 and 17).

/** Recurring strings whose JSON is kept, at most (past it, they are written each time). */
const KNOWN_TEXT_LIMIT = 4096;
/** Model groups whose record head is kept, at most. */
const HEAD_LIMIT = 1024;

const piece = (text: string): TextPiece => new TextPiece(text);
const QUOTE = piece('"');
const NULL = piece('null');
const TIMESTAMP = piece(',"timestamp":');
const REASON = piece(',"reason":');
const DECISION_US = piece(',"timings":{"decision_us":');
const TOTAL_MS = piece(',"total_ms":');
const OUTCOME = piece('},"outcome":');
const FALLBACK = piece(',"fallback":');
const ATTEMPTS = piece(',"attempts":[');
const FIRST_ATTEMPT = piece('{"model_group":');
const NEXT_ATTEMPT = piece(',{"model_group":');
const DEPLOYMENT = piece(',"deployment":');
const ATTEMPT_OUTCOME = piece(',"outcome":');
const ERROR_CODE = piece(',"error_code":');
const ERROR_KIND = piece(',"error_kind":');
const STATUS = piece(',"status":');
const DURATION = piece(',"duration_ms":');
const ATTEMPT_END = piece('}');
const END = piece(']}');

const knownTexts = new Map<string, TextPiece>();
/** `{"event":<event>,"request_id":` per event name. */
const openings = new Map<string, TextPiece>();

/** What a group's record head was made of, and its JSON (with `,"selected":` after it). */
interface Head {
  readonly strategy: string;
  readonly version: string;
  readonly experiment: RouterDecision['experiment'];
  readonly strategyError: string | undefined;
  readonly candidates: readonly RouterDecisionCandidate[];
  readonly piece: TextPiece;
}

const heads = new Map<string, Head>();

/** `JSON.stringify(decision)`, from the same pieces as its piecewise text. */
export function routerDecisionJson(decision: RouterDecision): string {
  return new RecordText(decision).toString();
}

/** The record written piece by piece, each time. */
class RecordText extends PiecewiseText {
  constructor(private readonly decision: RouterDecision) {
    super();
  }

  writeTo(sink: TextSink): void {
    writeRecord(this.decision, sink);
  }
}

/**
 * Writes the record: what recurs as pieces, what is this record's own (ids and times escaped,
 * numbers, a fallback as text), always in this order (routerDecisionText relies on it).
 */
export function writeRecord(decision: RouterDecision, sink: TextSink): void {
  const timings = decision.timings;
  const selected = decision.selected;
  sink.piece(opening(decision.event));
  writeText(sink, decision.request_id);
  sink.piece(TIMESTAMP);
  writeText(sink, decision.timestamp);
  sink.piece(head(decision));
  sink.piece(selected === null ? NULL : knownText(selected));
  sink.piece(REASON);
  sink.piece(knownText(decision.reason));
  sink.piece(DECISION_US);
  sink.text(num(timings.decision_us));
  sink.piece(TOTAL_MS);
  sink.text(num(timings.total_ms));
  sink.piece(OUTCOME);
  sink.piece(knownText(decision.outcome));
  if (decision.fallback !== undefined) {
    sink.piece(FALLBACK);
    sink.text(JSON.stringify(decision.fallback));
  }
  sink.piece(ATTEMPTS);
  const attempts = decision.attempts;
  for (let i = 0; i < attempts.length; i++) writeAttempt(sink, attempts[i]!, i === 0);
  sink.piece(END);
}

function writeAttempt(sink: TextSink, attempt: RouterDecisionAttempt, first: boolean): void {
  sink.piece(first ? FIRST_ATTEMPT : NEXT_ATTEMPT);
  sink.piece(knownText(attempt.model_group));
  sink.piece(DEPLOYMENT);
  sink.piece(knownText(attempt.deployment));
  sink.piece(ATTEMPT_OUTCOME);
  sink.piece(knownText(attempt.outcome));
  if (attempt.error_code !== undefined) {
    sink.piece(ERROR_CODE);
    sink.piece(knownText(attempt.error_code));
  }
  if (attempt.error_kind !== undefined) {
    sink.piece(ERROR_KIND);
    sink.piece(knownText(attempt.error_kind));
  }
  if (attempt.status !== undefined) {
    sink.piece(STATUS);
    sink.text(num(attempt.status));
  }
  sink.piece(DURATION);
  sink.text(num(attempt.duration_ms));
  sink.piece(ATTEMPT_END);
}

function opening(event: string): TextPiece {
  let kept = openings.get(event);
  if (kept === undefined) {
    kept = piece(`{"event":${text(event)},"request_id":`);
    if (openings.size < KNOWN_TEXT_LIMIT) openings.set(event, kept);
  }
  return kept;
}

/** `,` and the fields from `model_group` to `candidates`, then `,"selected":`; kept per group. */
export function head(decision: RouterDecision): TextPiece {
  const group = decision.model_group;
  const kept = heads.get(group);
  if (
    kept !== undefined &&
    kept.strategy === decision.strategy &&
    kept.version === decision.strategy_version &&
    sameExperiment(kept.experiment, decision.experiment) &&
    kept.strategyError === decision.strategy_error &&
    sameCandidates(kept.candidates, decision.candidates)
  )
    return kept.piece;
  const json = JSON.stringify({
    model_group: group,
    strategy: decision.strategy,
    strategy_version: decision.strategy_version,
    experiment: decision.experiment,
    strategy_error: decision.strategy_error,
    candidates: decision.candidates,
  }).slice(1, -1);
  const made = piece(`,${json},"selected":`);
  if (kept !== undefined || heads.size < HEAD_LIMIT)
    heads.set(group, {
      strategy: decision.strategy,
      version: decision.strategy_version,
      experiment: decision.experiment && { ...decision.experiment },
      strategyError: decision.strategy_error,
      // Copies: what is compared next time must not change with a record kept elsewhere.
      candidates: decision.candidates.map(({ deployment, state }) => ({ deployment, state })),
      piece: made,
    });
  return made;
}

function sameExperiment(
  kept: RouterDecision['experiment'],
  now: RouterDecision['experiment'],
): boolean {
  if (kept === undefined || now === undefined) return kept === now;
  return kept.id === now.id && kept.variant === now.variant;
}

function sameCandidates(
  kept: readonly RouterDecisionCandidate[],
  now: readonly RouterDecisionCandidate[],
): boolean {
  if (kept.length !== now.length) return false;
  for (let i = 0; i < now.length; i++) {
    const a = kept[i]!;
    const b = now[i]!;
    if (a.deployment !== b.deployment || a.state !== b.state) return false;
  }
  return true;
}

/** A string as JSON (once per recurring string: see knownText). */
function text(value: string): string {
  return JSON.stringify(value);
}

/**
 * A string of this record only, as JSON: between quotes, escaped by the sink (the same text as
 * JSON.stringify's, and the same pieces around it whatever the string holds).
 */
function writeText(sink: TextSink, value: string): void {
  sink.piece(QUOTE);
  sink.escaped(value);
  sink.piece(QUOTE);
}

/** A recurring string as JSON, kept once made. */
function knownText(value: string): TextPiece {
  let json = knownTexts.get(value);
  if (json === undefined) {
    json = piece(text(value));
    if (knownTexts.size < KNOWN_TEXT_LIMIT) knownTexts.set(value, json);
  }
  return json;
}

/** A number as JSON writes it (a non-finite one is null). */
export function num(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}
