import type { Attributes, AttributeValue } from '@opentelemetry/api';
import { isAttributeValue } from '../../telemetry/otel-api';

/** The keys of blocks of one request's values ({@link AttributeBlock.ofRequest}), made once. */
export class BlockKeys {
  readonly keyMask: number;

  constructor(readonly keys: readonly string[]) {
    this.keyMask = keys.reduce((mask, key) => mask | keyBit(key), 0);
  }
}

/**
 * Attributes many spans share, made once and added to each span as one piece: those of a
 * deployment, of a model group's requests. The gateway's encoder encodes a block once and copies
 * its bytes into every span that has it (GatewaySpan#addAttributeBlock); a span of another tracer
 * gets its attributes one by one (GatewayTracer#addAttributeBlock). A block of one request's values
 * (the response facts its request and upstream-call spans both carry) is not kept: the encoder
 * writes it with each span that has it, as it writes attributes set one by one.
 */
export class AttributeBlock {
  readonly keys: readonly string[];
  readonly values: readonly AttributeValue[];
  /** A bit per key (keyBit): a span tells a key is in none of its blocks without a search. */
  readonly keyMask: number;
  /** The block's `KeyValue`s as the gateway's encoder writes them, once it has. */
  encoded: Uint8Array | undefined = undefined;
  /** Encoded once and kept (false: one request's values). */
  readonly lasting: boolean;

  /** Entries with an empty key or a value that is not an attribute value are left out. */
  constructor(attributes: Readonly<Record<string, AttributeValue | undefined>>);
  /** One request's values, valid attribute values, one for each of `keys` in order. */
  constructor(keys: BlockKeys, values: readonly AttributeValue[]);
  constructor(
    attributes: Readonly<Record<string, AttributeValue | undefined>> | BlockKeys,
    requestValues?: readonly AttributeValue[],
  ) {
    if (attributes instanceof BlockKeys) {
      this.keys = attributes.keys;
      this.values = requestValues!;
      this.keyMask = attributes.keyMask;
      this.lasting = false;
      return;
    }
    const keys: string[] = [];
    const values: AttributeValue[] = [];
    for (const [key, value] of Object.entries(attributes)) {
      if (key.length === 0 || value == null || !isAttributeValue(value)) continue;
      keys.push(key);
      values.push(value);
    }
    this.keys = keys;
    this.values = values;
    this.keyMask = keys.reduce((mask, key) => mask | keyBit(key), 0);
    this.lasting = true;
  }

  /** The attributes as an object (for spans that take them one by one). */
  toAttributes(): Attributes {
    const attributes: Attributes = {};
    this.keys.forEach((key, i) => (attributes[key] = this.values[i]));
    return attributes;
  }
}

// eslint-disable-next-line @typescript-eslint/unbound-method -- always called with .call(text, i)
const charCodeAt = String.prototype.charCodeAt;

/**
 * The bit of a key in a {@link AttributeBlock.keyMask}: keys of different bits differ. From the
 * length and two of the last characters: attribute keys share prefixes (`gen_ai.`, `routeiq.`)
 * and many share a length, where a bit of the length alone sent most blocks of a request span
 * to a key-by-key search (callgrind: ~2.9K instructions a traced request). Read through `.call`
 * on a template copy: see ProtoBufferWriter.
 */
export function keyBit(key: string): number {
  const text = `${key}`;
  const length = text.length;
  if (length < 3) return 1 << length;
  const mixed = length + charCodeAt.call(text, length - 1) + 7 * charCodeAt.call(text, length - 3);
  return 1 << (mixed & 31);
}
