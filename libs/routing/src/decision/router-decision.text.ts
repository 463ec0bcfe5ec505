import { PiecewiseText, TextPiece, type TextSink } from '@routeiq/observability';
import type { RouterDecision, RouterDecisionAttempt } from './router-decision';
import { KeptRecord } from './kept-record';
import { head, num, writeRecord } from './router-decision.json';

// The routing decision record of a traced request as the span event's value. Records of one
// model group take a few shapes (the same group head, chosen deployment, reason, outcome and
// attempts) and differ only in their ids, times and durations: per shape, the text between those
// values is kept as a few pieces, so a record is about ten copies into the OTLP buffer where it
// was ~25 pieces or a string built, flattened and encoded (docs/performance.md "Tracing
// overhead", session 17); and the last record of each shape is kept whole, so the next one is
// that record with its own values written over (KeptRecord, session 23): one copy. Records of no
// kept shape are written piece by piece (writeRecord).

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
  /** The last record of the shape, its bytes (none while its values needed escaping). */
  record: KeptRecord | undefined;
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
    else writeShaped(decision, shape, sink);
  }
}

/** A record's own values (shared: records are written one at a time, each to its end). */
const values: string[] = [];

/**
 * The record as its shape's last record with this one's values, or its values between the shape's
 * parts (then kept as the shape's last record).
 */
function writeShaped(decision: RouterDecision, shape: Shape, sink: TextSink): void {
  const count = valuesOf(decision, values);
  const record = shape.record;
  if (record !== undefined && record.patch(values)) {
    sink.bytes(record.utf8());
    return;
  }
  const parts = shape.parts;
  sink.piece(parts[0]!);
  sink.escaped(values[0]!);
  sink.piece(parts[1]!);
  sink.escaped(values[1]!);
  for (let i = 2; i < count; i++) {
    sink.piece(parts[i]!);
    sink.text(values[i]!);
  }
  sink.piece(parts[count]!);
  shape.record = KeptRecord.of(parts, values, count);
}

/** The record's own values in writeRecord's order, into `out`; how many there are. */
function valuesOf(decision: RouterDecision, out: string[]): number {
  const timings = decision.timings;
  out[0] = decision.request_id;
  out[1] = decision.timestamp;
  out[2] = num(timings.decision_us);
  out[3] = num(timings.total_ms);
  let next = 4;
  const attempts = decision.attempts;
  for (let i = 0; i < attempts.length; i++) {
    const attempt = attempts[i]!;
    if (attempt.status !== undefined) out[next++] = num(attempt.status);
    out[next++] = num(attempt.duration_ms);
  }
  return next;
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
    record: undefined,
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
  writeRecord(decision, {
    piece: (piece) => (part += piece.text),
    text: split,
    escaped: split,
    bytes: () => {
      throw new Error('writeRecord writes no bytes of its own');
    },
  });
  parts.push(part);
  return parts.map((text) => new TextPiece(text));
}
