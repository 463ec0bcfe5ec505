import type { Attributes, AttributeValue } from '@opentelemetry/api';
import { isAttributeValue } from '../../telemetry/otel-api';

// The SDK's attribute rules as GatewaySpan applies them: which values are kept, and the limits.

/** The SDK's span limits (`OTEL_SPAN_*_LIMIT`, `OTEL_ATTRIBUTE_*_LIMIT`), applied the same way. */
export interface GatewaySpanLimits {
  readonly attributeCountLimit: number;
  readonly attributeValueLengthLimit: number;
  readonly eventCountLimit: number;
  readonly linkCountLimit: number;
  readonly attributePerEventCountLimit: number;
  readonly attributePerLinkCountLimit: number;
}

/** A value the SDK keeps: a primitive, or an array of one primitive type (nulls allowed). */
export function validValue(value: AttributeValue): boolean {
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return true;
  return Array.isArray(value) && isAttributeValue(value);
}

/** Strings, also in arrays, cut to `limit` characters (as the SDK's value length limit). */
export function truncate(value: AttributeValue, limit: number): AttributeValue {
  if (typeof value === 'string') return value.length <= limit ? value : value.substring(0, limit);
  if (!Array.isArray(value)) return value;
  return (value as unknown[]).map((item) =>
    typeof item === 'string' && item.length > limit ? item.substring(0, limit) : item,
  ) as AttributeValue;
}

/** Event and link attributes: valid ones, up to `countLimit`, truncated like the span's. */
export function copyAttributes(
  attributes: Attributes,
  countLimit: number,
  limits: GatewaySpanLimits,
): { attributes: Attributes; count: number; dropped: number } {
  const copy: Attributes = {};
  let count = 0;
  let dropped = 0;
  for (const key in attributes) {
    if (!Object.prototype.hasOwnProperty.call(attributes, key)) continue;
    const value = attributes[key];
    // As the SDK's sanitising: an empty value is kept (and counted) on events and links.
    if (key.length === 0 || (value != null && !validValue(value))) continue;
    if (count >= countLimit) {
      dropped += 1;
      continue;
    }
    const limit = limits.attributeValueLengthLimit;
    copy[key] = value == null || limit === Infinity ? value : truncate(value, limit);
    count += 1;
  }
  return { attributes: copy, count, dropped };
}
