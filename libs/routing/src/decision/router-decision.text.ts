import { PiecewiseText, TextPiece, type TextSink } from '@routeiq/observability';
import type { RouterDecision, RouterDecisionAttempt } from './router-decision';
import { head, num, writeRecord } from './router-decision.json';

// The routing decision record of a traced request as the span event's value. Records of one
// model group take a few shapes (the same group head, chosen deployment, reason, outcome and
// attempts) and differ only in their ids, times and durations: per shape, the text between those
// values is kept as a few pieces, so a record is about ten copies into the OTLP buffer where it
// was ~25 pieces or a string built, flattened and encoded (docs/performance.md "Tracing
// overhead", session 17). Records of no kept shape are written piece by piece (writeRecord).

/** Shapes kept per model group (a group's records take a few in turn). */
const SHAPES_PER_GROUP = 4;
/** Model groups with shapes, at most (beyond: records piece by piece). */
const SHAPE_GROUPS = 1024;

/** What a shape was made of: everything in a record but its own values. */
interface Shape {
  readonly event: string;
  /** The group's head piece (kept per group and strategy settings: compared as the same piece). */
  readonly head: TextPiece;
  readonly selected: string | null;
  readonly reason: string;
  readonly outcome: string;
  readonly attempts: readonly AttemptShape[];
  /** The text around the record's own values, in order (one more than there are values). */
  readonly parts: readonly TextPiece[];
}

interface AttemptShape {
  readonly modelGroup: string;
  readonly deployment: string;
  readonly outcome: string;
  readonly errorCode: string | undefined;
  readonly errorKind: string | undefined;
  readonly hasStatus: boolean;
}

const shapes = new Map<string, Shape[]>();

/**
 * A decision record's JSON (`JSON.stringify`'s text) as piecewise text. Written when its span is
 * encoded, after the request: the record is complete by then and no longer changes.
 */
export function routerDecisionText(decision: RouterDecision): PiecewiseText {
  return new RouterDecisionText(decision);
}

class RouterDecisionText extends PiecewiseText {
  constructor(private readonly decision: RouterDecision) {
    super();
  }

  writeTo(sink: TextSink): void {
    const decision = this.decision;
    const shape = decision.fallback === undefined ? shapeOf(decision) : undefined;
    if (shape === undefined) writeRecord(decision, sink);
    else writeShaped(decision, shape.parts, sink);
  }
}

/** The record's own values between its shape's parts, in writeRecord's order. */
function writeShaped(decision: RouterDecision, parts: readonly TextPiece[], sink: TextSink): void {
  const timings = decision.timings;
  sink.piece(parts[0]!);
  sink.escaped(decision.request_id);
  sink.piece(parts[1]!);
  sink.escaped(decision.timestamp);
  sink.piece(parts[2]!);
  sink.text(num(timings.decision_us));
  sink.piece(parts[3]!);
  sink.text(num(timings.total_ms));
  let next = 4;
  const attempts = decision.attempts;
  for (let i = 0; i < attempts.length; i++) {
    const attempt = attempts[i]!;
    sink.piece(parts[next++]!);
    if (attempt.status !== undefined) {
      sink.text(num(attempt.status));
      sink.piece(parts[next++]!);
    }
    sink.text(num(attempt.duration_ms));
  }
  sink.piece(parts[next]!);
}

function shapeOf(decision: RouterDecision): Shape | undefined {
  const group = decision.model_group;
  const groupHead = head(decision);
  let kept = shapes.get(group);
  if (kept !== undefined) {
    for (const shape of kept) if (fits(shape, decision, groupHead)) return shape;
  } else {
    if (shapes.size >= SHAPE_GROUPS) return undefined;
    shapes.set(group, (kept = []));
  }
  const shape: Shape = {
    event: decision.event,
    head: groupHead,
    selected: decision.selected,
    reason: decision.reason,
    outcome: decision.outcome,
    attempts: decision.attempts.map(attemptShape),
    parts: partsOf(decision),
  };
  // The newest first; the oldest goes past the limit.
  kept.unshift(shape);
  if (kept.length > SHAPES_PER_GROUP) kept.pop();
  return shape;
}

function fits(shape: Shape, decision: RouterDecision, groupHead: TextPiece): boolean {
  if (
    shape.head !== groupHead ||
    shape.event !== decision.event ||
    shape.selected !== decision.selected ||
    shape.reason !== decision.reason ||
    shape.outcome !== decision.outcome ||
    shape.attempts.length !== decision.attempts.length
  )
    return false;
  for (let i = 0; i < shape.attempts.length; i++) {
    const kept = shape.attempts[i]!;
    const attempt = decision.attempts[i]!;
    if (
      kept.modelGroup !== attempt.model_group ||
      kept.deployment !== attempt.deployment ||
      kept.outcome !== attempt.outcome ||
      kept.errorCode !== attempt.error_code ||
      kept.errorKind !== attempt.error_kind ||
      kept.hasStatus !== (attempt.status !== undefined)
    )
      return false;
  }
  return true;
}

function attemptShape(attempt: RouterDecisionAttempt): AttemptShape {
  return {
    modelGroup: attempt.model_group,
    deployment: attempt.deployment,
    outcome: attempt.outcome,
    errorCode: attempt.error_code,
    errorKind: attempt.error_kind,
    hasStatus: attempt.status !== undefined,
  };
}

/** The record's text split at its own values (what writeRecord writes as text or escaped). */
function partsOf(decision: RouterDecision): TextPiece[] {
  const parts: string[] = [];
  let part = '';
  const split = (): void => {
    parts.push(part);
    part = '';
  };
  writeRecord(decision, { piece: (piece) => (part += piece.text), text: split, escaped: split });
  parts.push(part);
  return parts.map((text) => new TextPiece(text));
}
