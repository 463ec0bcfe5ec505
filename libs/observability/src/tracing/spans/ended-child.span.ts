import type { AttributeValue, SpanKind } from '@opentelemetry/api';
import type { AttributeBlock } from './attribute-block';
import type { GatewaySpan } from './gateway-span';
import type { PiecewiseText } from './piecewise-text';
import { toEpochMillis } from './span-clock';

/**
 * A child span given whole once it has ended, for a span whose every part is known by then (the
 * routing decision's): an attribute block, one attribute of its own and one event, at its end,
 * whose one attribute is piecewise text. Under a recorded span of the gateway's own tracer it goes
 * to the exporter as this one object and is encoded from its fields: no span object, span context,
 * hex id, attribute or event arrays per request (docs/performance.md "Tracing overhead", session
 * 20). Under any other span GatewayTracer#addEndedChild makes it a span with the same content.
 */
export class EndedChildSpan {
  /** The parent, once the gateway's tracer has taken the record. */
  parent: GatewaySpan | undefined = undefined;
  /** The span id's bytes: `spanIdBytes[spanIdAt..+8]` (drawn when the tracer takes it). */
  spanIdBytes: Uint8Array | undefined = undefined;
  spanIdAt = 0;
  readonly startMs: number;
  readonly endMs: number;

  constructor(
    readonly name: string,
    readonly kind: SpanKind,
    /** `performance.now()` readings (or epoch milliseconds), as the span API reads numbers. */
    start: number,
    end: number,
    readonly block: AttributeBlock,
    /** The span's one attribute besides the block's (not one of the block's keys). */
    readonly key: string,
    readonly value: AttributeValue,
    readonly eventName: string,
    readonly eventKey: string,
    readonly eventText: PiecewiseText,
  ) {
    const startMs = toEpochMillis(start);
    const endMs = toEpochMillis(end);
    this.startMs = startMs;
    this.endMs = endMs < startMs ? startMs : endMs;
  }

  /** Only a sampled parent's children are taken whole (see GatewaySpanTracer#takeEndedChild). */
  get sampled(): boolean {
    return true;
  }
}
