import type { AttributeValue } from '@opentelemetry/api';
import { writeKeyValue } from './otlp-attributes.encoder';
import { SPAN_ATTRIBUTES } from './otlp-fields.encoder';
import type { ProtoBufferWriter } from './proto-buffer.writer';

/** Attribute keys whose values are remembered, at most. */
const CACHED_KEYS_LIMIT = 1024;
/**
 * Values remembered per attribute key: a key often takes a few values in turn (the request model
 * on the request span, the upstream model on the call span).
 */
const VALUES_PER_KEY = 4;

/**
 * The last values one attribute key took, and their `KeyValue` bytes once a value came a third
 * time (a request's response id comes twice, on its call span and its request span, and never
 * again: no copy is kept for it). A one-string array (`['stop']`) is remembered by its string,
 * with `arrays[i]` set.
 */
interface CachedKey {
  readonly values: AttributeValue[];
  readonly arrays: boolean[];
  readonly bytes: (Uint8Array | undefined)[];
  /** Times the value came back, until its bytes are kept. */
  readonly repeats: number[];
  /** The slot the next new value takes (round robin). */
  next: number;
}

/**
 * `Span.attributes` elements written from the bytes kept for the last few values of each key
 * (GatewaySpanEncoder): an attribute outside a section template's runs often takes one of a few
 * values in turn.
 */
export class AttributeValueCache {
  private readonly attributes = new Map<string, CachedKey>();

  /** Writes one attribute (tag, key and value), from kept bytes where its value recurs. */
  write(w: ProtoBufferWriter, key: string, value: AttributeValue): void {
    // Arrays are compared by their one string, if that is all they hold; other arrays never.
    let probe: AttributeValue | undefined = value;
    let array = false;
    if (typeof value === 'object') {
      const items = value as unknown[];
      probe = items.length === 1 && typeof items[0] === 'string' ? items[0] : undefined;
      array = true;
    }
    const cached = this.attributes.get(key);
    if (probe === undefined || cached === undefined) {
      this.encode(w, key, value, probe, array, undefined);
      return;
    }
    const values = cached.values;
    for (let i = 0; i < values.length; i++) {
      if (values[i] !== probe || cached.arrays[i] !== array) continue;
      const bytes = cached.bytes[i];
      if (bytes !== undefined) {
        w.bytesRaw(bytes);
        return;
      }
      const start = w.pos;
      writeKeyValue(w, key, value, SPAN_ATTRIBUTES);
      // Seen twice before: worth keeping as bytes now.
      if (cached.repeats[i]! >= 1) cached.bytes[i] = Buffer.from(w.buf.subarray(start, w.pos));
      else cached.repeats[i] = 1;
      return;
    }
    this.encode(w, key, value, probe, array, cached);
  }

  /** A value not remembered for its key: written, and remembered (bytes once it recurs). */
  private encode(
    w: ProtoBufferWriter,
    key: string,
    value: AttributeValue,
    probe: AttributeValue | undefined,
    array: boolean,
    cached: CachedKey | undefined,
  ): void {
    writeKeyValue(w, key, value, SPAN_ATTRIBUTES);
    if (probe === undefined) return;
    if (cached === undefined) {
      if (this.attributes.size < CACHED_KEYS_LIMIT)
        this.attributes.set(key, {
          values: [probe],
          arrays: [array],
          bytes: [undefined],
          repeats: [0],
          next: 1,
        });
      return;
    }
    const slot = cached.next;
    cached.values[slot] = probe;
    cached.arrays[slot] = array;
    cached.bytes[slot] = undefined;
    cached.repeats[slot] = 0;
    cached.next = (slot + 1) % VALUES_PER_KEY;
  }
}
