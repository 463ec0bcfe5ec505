import type {
  Attributes,
  AttributeValue,
  Exception,
  Link,
  Span,
  SpanContext,
  SpanKind,
  SpanStatus,
  TimeInput,
} from '@opentelemetry/api';
import { diagApi, STATUS_CODE, TRACE_FLAGS } from '../../telemetry/otel-api';
import { copyAttributes, truncate, validValue, type GatewaySpanLimits } from './attribute-limits';
import { keyBit, type AttributeBlock } from './attribute-block';
import type { EndedChildSpan } from './ended-child.span';
import type { PiecewiseText } from './piecewise-text';
import { epochMillis, toEpochMillis } from './span-clock';

export type { GatewaySpanLimits } from './attribute-limits';

/** Where ended spans go (the OTLP batch); `limits` apply to every span it receives. */
export interface GatewaySpanSink {
  readonly limits: GatewaySpanLimits;
  spanEnded(span: GatewaySpan | EndedChildSpan): void;
}

export interface GatewaySpanEvent {
  readonly name: string;
  readonly timeMs: number;
  readonly attributes: Attributes | undefined;
  readonly droppedAttributesCount: number;
  /** An attribute whose string value is piecewise text (after `attributes`), and its key. */
  readonly textKey: string | undefined;
  readonly text: PiecewiseText | undefined;
}

const UNSET: SpanStatus = Object.freeze({ code: STATUS_CODE.UNSET });
// Frozen: an attribute pushed onto them by mistake throws instead of landing on every span.
const NO_KEYS = Object.freeze([]) as unknown as string[];
const NO_VALUES = Object.freeze([]) as unknown as AttributeValue[];
const EXCEPTION_EVENT = 'exception';

/**
 * A span of the gateway's own tracer: what the SDK's span records (same limits, same status and
 * attribute rules), held in plain fields and parallel attribute arrays, with times as epoch
 * milliseconds, and handed to its sink once ended. No copies of attribute values (the gateway does
 * not mutate a value it has set), no Date or HrTime objects, no per-attribute bookkeeping object.
 */
export class GatewaySpan implements Span {
  /**
   * Attribute keys, in the order they were first set; `values[i]` is the value of `keys[i]`. One
   * shared empty array each until the first is set (a span's own attributes are often none).
   */
  keys: string[] = NO_KEYS;
  values: AttributeValue[] = NO_VALUES;
  /** Shared attribute blocks (their keys are set nowhere else on the span). */
  blocks: AttributeBlock[] | undefined;
  /** Attributes in `blocks`. */
  private blockAttributes = 0;
  /** The key bits (keyBit) of the blocks' keys and of the span's own keys. */
  private blockKeys = 0;
  private ownKeys = 0;
  events: GatewaySpanEvent[] | undefined;
  links: Link[] | undefined;
  status: SpanStatus = UNSET;
  endMs = 0;
  ended = false;
  droppedAttributesCount = 0;
  droppedEventsCount = 0;
  droppedLinksCount = 0;
  /** The raw bytes of the ids (set by the tracer when it has them), so they are not parsed. */
  traceIdBytes: Uint8Array | undefined = undefined;
  traceIdAt = 0;
  spanIdBytes: Uint8Array | undefined = undefined;
  spanIdAt = 0;
  /** The parent, when it is one of the gateway's spans (its id bytes are known). */
  parentSpan: GatewaySpan | undefined = undefined;

  constructor(
    private readonly context: SpanContext,
    /** The parent's context, when the span has a valid parent. */
    readonly parent: SpanContext | undefined,
    public name: string,
    readonly kind: SpanKind,
    readonly startMs: number,
    private readonly sink: GatewaySpanSink,
  ) {}

  get sampled(): boolean {
    return (this.context.traceFlags & TRACE_FLAGS.SAMPLED) !== 0;
  }

  spanContext(): SpanContext {
    return this.context;
  }

  setAttribute(key: string, value: AttributeValue | undefined): this {
    if (value == null || this.ended || key.length === 0 || !validValue(value)) return this;
    const limits = this.sink.limits;
    const stored =
      limits.attributeValueLengthLimit === Infinity
        ? value
        : truncate(value, limits.attributeValueLengthLimit);
    const keys = this.keys;
    const bit = keyBit(key);
    // A key already set has its bit in `ownKeys`: most new keys skip the search.
    if ((this.ownKeys & bit) !== 0) {
      for (let i = 0; i < keys.length; i++) {
        if (keys[i] === key) {
          this.values[i] = stored;
          return this;
        }
      }
    }
    // A key of a block: the block's attributes become the span's own, then the value replaces.
    if ((this.blockKeys & bit) !== 0 && this.unblock(key)) return this.setAttribute(key, value);
    if (keys.length + this.blockAttributes >= limits.attributeCountLimit) {
      this.droppedAttributesCount += 1;
      return this;
    }
    this.pushOwn(key, stored);
    this.ownKeys |= bit;
    return this;
  }

  private pushOwn(key: string, value: AttributeValue): void {
    if (this.keys === NO_KEYS) {
      this.keys = withRoom(key);
      this.values = withRoom(value);
      return;
    }
    this.keys.push(key);
    this.values.push(value);
  }

  /**
   * Adds a block of shared attributes as one piece (encoded once for every span that has it).
   * Where it cannot be one piece, its attributes are set one by one, with the same result: a value
   * length limit applies, the count limit would be reached, or a key is set on the span already.
   */
  addAttributeBlock(block: AttributeBlock): this {
    if (this.ended) return this;
    const limits = this.sink.limits;
    if (
      limits.attributeValueLengthLimit !== Infinity ||
      this.keys.length + this.blockAttributes + block.keys.length > limits.attributeCountLimit ||
      this.hasAnyKeyOf(block)
    ) {
      const { keys, values } = block;
      for (let i = 0; i < keys.length; i++) this.setAttribute(keys[i]!, values[i]);
      return this;
    }
    if (this.blocks === undefined) this.blocks = withRoom(block);
    else this.blocks.push(block);
    this.blockAttributes += block.keys.length;
    this.blockKeys |= block.keyMask;
    return this;
  }

  setAttributes(attributes: Attributes): this {
    for (const key in attributes) {
      if (Object.prototype.hasOwnProperty.call(attributes, key))
        this.setAttribute(key, attributes[key]);
    }
    return this;
  }

  private hasAnyKeyOf(block: AttributeBlock): boolean {
    const spanKeys = this.ownKeys | this.blockKeys;
    if ((block.keyMask & spanKeys) === 0) return false;
    // Key by key, the bit first: most keys of a block share no bit with the span's.
    const keys = block.keys;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      const bit = keyBit(key);
      if ((this.ownKeys & bit) !== 0 && this.keys.includes(key)) return true;
      if ((this.blockKeys & bit) !== 0 && this.blockWith(key) >= 0) return true;
    }
    return false;
  }

  /** The index in `blocks` of the block holding `key`, or -1 (loops: no closure per call). */
  private blockWith(key: string): number {
    const blocks = this.blocks;
    if (blocks === undefined) return -1;
    for (let b = 0; b < blocks.length; b++) {
      const keys = blocks[b]!.keys;
      for (let i = 0; i < keys.length; i++) if (keys[i] === key) return b;
    }
    return -1;
  }

  /** Moves the attributes of the block holding `key` (if one does) to the span's own. */
  private unblock(key: string): boolean {
    const index = this.blockWith(key);
    if (index < 0) return false;
    const blocks = this.blocks!;
    const block = blocks[index]!;
    blocks.splice(index, 1);
    if (blocks.length === 0) this.blocks = undefined;
    this.blockAttributes -= block.keys.length;
    this.blockKeys = 0;
    for (const kept of blocks) this.blockKeys |= kept.keyMask;
    for (let i = 0; i < block.keys.length; i++) this.pushOwn(block.keys[i]!, block.values[i]!);
    this.ownKeys |= block.keyMask;
    return true;
  }

  addEvent(name: string, attributesOrTime?: Attributes | TimeInput, time?: TimeInput): this {
    if (this.ended) return this;
    let attributes: Attributes | undefined;
    if (isTimeInput(attributesOrTime)) time ??= attributesOrTime;
    else attributes = attributesOrTime;
    const limits = this.sink.limits;
    const copy =
      attributes && copyAttributes(attributes, limits.attributePerEventCountLimit, limits);
    return this.pushEvent(name, copy?.attributes, copy?.dropped ?? 0, time);
  }

  /**
   * An event with one attribute, `key`, whose string value is `text`: the same event as
   * `addEvent(name, { [key]: text.toString() }, time)`, with the text written by the encoder
   * from its pieces. Where a value length limit applies (or no event attribute is allowed) it
   * is that call.
   */
  addTextEvent(name: string, key: string, text: PiecewiseText, time?: TimeInput): this {
    if (this.ended) return this;
    const limits = this.sink.limits;
    if (
      limits.attributeValueLengthLimit !== Infinity ||
      limits.attributePerEventCountLimit < 1 ||
      key.length === 0
    )
      return this.addEvent(name, { [key]: text.toString() }, time);
    return this.pushEvent(name, undefined, 0, time, key, text);
  }

  /** Appends an event within the event count limit (the oldest one goes past it, as the SDK). */
  private pushEvent(
    name: string,
    attributes: Attributes | undefined,
    droppedAttributesCount: number,
    time: TimeInput | undefined,
    textKey?: string,
    text?: PiecewiseText,
  ): this {
    const limit = this.sink.limits.eventCountLimit;
    if (limit === 0) {
      this.droppedEventsCount += 1;
      return this;
    }
    const event: GatewaySpanEvent = {
      name,
      timeMs: time === undefined ? epochMillis() : toEpochMillis(time),
      attributes,
      droppedAttributesCount,
      textKey,
      text,
    };
    const events = this.events;
    // A span's first event in an array of its size (a push onto `[]` reserves 17 slots).
    if (events === undefined) {
      this.events = [event];
      return this;
    }
    if (events.length >= limit) {
      this.droppedEventsCount += 1;
      events.shift();
    }
    events.push(event);
    return this;
  }

  addLink(link: Link): this {
    if (this.ended) return this;
    const limits = this.sink.limits;
    const links = (this.links ??= []);
    if (limits.linkCountLimit === 0 || links.length >= limits.linkCountLimit) {
      this.droppedLinksCount += 1;
      if (limits.linkCountLimit === 0) return this;
      links.shift();
    }
    const copy = link.attributes
      ? copyAttributes(link.attributes, limits.attributePerLinkCountLimit, limits)
      : undefined;
    links.push({
      context: link.context,
      ...(copy && copy.count > 0 && { attributes: copy.attributes }),
      ...(copy && copy.dropped > 0 && { droppedAttributesCount: copy.dropped }),
    });
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
    return this;
  }

  /** As the SDK: UNSET is ignored, OK is final, a message is kept only on ERROR. */
  setStatus(status: SpanStatus): this {
    if (this.ended || status.code === STATUS_CODE.UNSET) return this;
    if (this.status.code === STATUS_CODE.OK) return this;
    this.status =
      status.code === STATUS_CODE.ERROR && typeof status.message === 'string'
        ? { code: status.code, message: status.message }
        : { code: status.code };
    return this;
  }

  updateName(name: string): this {
    if (!this.ended) this.name = name;
    return this;
  }

  end(endTime?: TimeInput): void {
    if (this.ended) {
      diagApi.error(`${this.name} ${this.context.spanId}: end() called on an ended span`);
      return;
    }
    const endMs = endTime === undefined ? epochMillis() : toEpochMillis(endTime);
    this.endMs = endMs < this.startMs ? this.startMs : endMs;
    this.ended = true;
    this.sink.spanEnded(this);
  }

  isRecording(): boolean {
    return !this.ended;
  }

  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: Attributes = {};
    if (typeof exception === 'string') {
      attributes['exception.message'] = exception;
    } else if (exception) {
      const type = exception.code ? String(exception.code) : exception.name;
      if (type) attributes['exception.type'] = type;
      if (exception.message) attributes['exception.message'] = exception.message;
      if (exception.stack) attributes['exception.stacktrace'] = exception.stack;
    }
    if (attributes['exception.type'] || attributes['exception.message'])
      this.addEvent(EXCEPTION_EVENT, attributes, time);
  }
}

function isTimeInput(value: Attributes | TimeInput | undefined): value is TimeInput {
  return typeof value === 'number' || value instanceof Date || Array.isArray(value);
}

/**
 * An array of `first` with room for 7 more before it grows: a span's own attributes and blocks
 * are a few (the request span's most: ~5 and 4), where a push onto `[]` reserves 17 slots
 * (~190 bytes against ~115; docs/performance.md "Tracing overhead", session 20).
 */
function withRoom<T>(first: T): T[] {
  const items = [first, first, first, first, first, first, first, first];
  // Pops, not `items.length = 1`: a length store is a runtime call (~500 instructions, counted
  // under callgrind; 44 against 18 ns standalone). Neither shrinks the backing store of 8.
  items.pop();
  items.pop();
  items.pop();
  items.pop();
  items.pop();
  items.pop();
  items.pop();
  return items;
}
