import type {
  RouterDecision,
  RouterDecisionAttempt,
  RouterDecisionCandidate,
} from './router-decision';

// The JSON of a decision record (the `routeiq.router_decision.v1` event of every traced request),
// the same text as `JSON.stringify(decision)`, built from pieces that repeat from request to
// request: the part a model group's strategy and candidates decide is kept per group, and the JSON
// of names and ids that recur (deployments, groups, reasons, error codes) is kept per string.
// Measured: 0.22 µs a typical record against JSON.stringify's 1.48 µs in a loop (4.4 µs inside a
// gateway with every request traced); traced throughput +4% (docs/performance.md "Tracing
// overhead").

/** Strings that need no escaping in JSON (printable ASCII but `"` and `\`). */
const PLAIN = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;
/** Recurring strings whose JSON is kept, at most (past it, they are written each time). */
const KNOWN_TEXT_LIMIT = 4096;
/** Model groups whose record head is kept, at most. */
const HEAD_LIMIT = 1024;

const knownTexts = new Map<string, string>();

/** What a group's record head was made of, and its JSON. */
interface Head {
  readonly strategy: string;
  readonly version: string;
  readonly experiment: RouterDecision['experiment'];
  readonly strategyError: string | undefined;
  readonly candidates: readonly RouterDecisionCandidate[];
  readonly json: string;
}

const heads = new Map<string, Head>();

/** `JSON.stringify(decision)`, built faster (see above). */
export function routerDecisionJson(decision: RouterDecision): string {
  const timings = decision.timings;
  const selected = decision.selected;
  return (
    `{"event":${knownText(decision.event)},"request_id":${text(decision.request_id)}` +
    `,"timestamp":${text(decision.timestamp)},${head(decision)}` +
    `,"selected":${selected === null ? 'null' : knownText(selected)}` +
    `,"reason":${knownText(decision.reason)}` +
    `,"timings":{"decision_us":${num(timings.decision_us)},"total_ms":${num(timings.total_ms)}}` +
    `,"outcome":${knownText(decision.outcome)}` +
    (decision.fallback === undefined ? '' : `,"fallback":${JSON.stringify(decision.fallback)}`) +
    `,"attempts":[${attempts(decision.attempts)}]}`
  );
}

function attempts(list: readonly RouterDecisionAttempt[]): string {
  let json = '';
  for (let i = 0; i < list.length; i++) {
    const attempt = list[i]!;
    if (i > 0) json += ',';
    json +=
      `{"model_group":${knownText(attempt.model_group)}` +
      `,"deployment":${knownText(attempt.deployment)},"outcome":${knownText(attempt.outcome)}`;
    if (attempt.error_code !== undefined) json += `,"error_code":${knownText(attempt.error_code)}`;
    if (attempt.error_kind !== undefined) json += `,"error_kind":${knownText(attempt.error_kind)}`;
    if (attempt.status !== undefined) json += `,"status":${num(attempt.status)}`;
    json += `,"duration_ms":${num(attempt.duration_ms)}}`;
  }
  return json;
}

/** The fields from `model_group` to `candidates`, as JSON without braces; kept per group. */
function head(decision: RouterDecision): string {
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
    return kept.json;
  const json = JSON.stringify({
    model_group: group,
    strategy: decision.strategy,
    strategy_version: decision.strategy_version,
    experiment: decision.experiment,
    strategy_error: decision.strategy_error,
    candidates: decision.candidates,
  }).slice(1, -1);
  if (kept !== undefined || heads.size < HEAD_LIMIT)
    heads.set(group, {
      strategy: decision.strategy,
      version: decision.strategy_version,
      experiment: decision.experiment && { ...decision.experiment },
      strategyError: decision.strategy_error,
      // Copies: what is compared next time must not change with a record kept elsewhere.
      candidates: decision.candidates.map(({ deployment, state }) => ({ deployment, state })),
      json,
    });
  return json;
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

/** A string as JSON. */
function text(value: string): string {
  return PLAIN.test(value) ? `"${value}"` : JSON.stringify(value);
}

/** A recurring string as JSON, kept once made. */
function knownText(value: string): string {
  let json = knownTexts.get(value);
  if (json === undefined) {
    json = text(value);
    if (knownTexts.size < KNOWN_TEXT_LIMIT) knownTexts.set(value, json);
  }
  return json;
}

/** A number as JSON writes it (a non-finite one is null). */
function num(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}
