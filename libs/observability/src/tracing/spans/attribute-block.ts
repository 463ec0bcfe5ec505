import type { Attributes, AttributeValue } from '@opentelemetry/api';
import { isAttributeValue } from '../../telemetry/otel-api';

/**
 * Attributes many spans share, made once and added to each span as one piece: those of a
 * deployment, of a model group's requests. The gateway's encoder encodes a block once and copies
 * its bytes into every span that has it (GatewaySpan#addAttributeBlock); a span of another tracer
 * gets its attributes one by one (GatewayTracer#addAttributeBlock).
 */
export class AttributeBlock {
  readonly keys: readonly string[];
  readonly values: readonly AttributeValue[];
  /** A bit per key length (mod 32): a span tells a key is in none of its blocks without a search. */
  readonly keyMask: number;
  /** The block's `KeyValue`s as the gateway's encoder writes them, once it has. */
  encoded: Uint8Array | undefined = undefined;

  /** Entries with an empty key or a value that is not an attribute value are left out. */
  constructor(attributes: Readonly<Record<string, AttributeValue | undefined>>) {
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
  }

  /** The attributes as an object (for spans that take them one by one). */
  toAttributes(): Attributes {
    const attributes: Attributes = {};
    this.keys.forEach((key, i) => (attributes[key] = this.values[i]));
    return attributes;
  }
}

/** The bit of a key in a {@link AttributeBlock.keyMask}: keys of different bits differ. */
export function keyBit(key: string): number {
  return 1 << (key.length & 31);
}
