import { varintSize, type ProtoBufferWriter } from './proto-buffer.writer';

// Tags (field number << 3 | wire type) of opentelemetry-proto common/v1.
const KEY_VALUE_VALUE = 0x12;
const ANY_STRING = 0x0a;
const ANY_BOOL = 0x10;
const ANY_INT = 0x18;
const ANY_DOUBLE = 0x21;
const ANY_ARRAY = 0x2a;
const ANY_KVLIST = 0x32;
const ANY_BYTES = 0x3a;
const LIST_VALUES = 0x0a;
const MIN_INT64 = -(2 ** 63);
const MAX_INT64_EXCLUSIVE = 2 ** 63;
/** ASCII string values up to this many units fit one-byte length prefixes with keys up to 42. */
const SHORT_VALUE_UNITS = 40;

type AnyAttributeValue = unknown;

/**
 * Attributes as repeated `KeyValue` under `tag`, in the object's own enumeration order and with
 * the value typing of the SDK's serializer (otlp-transformer 0.223).
 */
export function writeAttributes(w: ProtoBufferWriter, attributes: object, tag: number): void {
  const values = attributes as Record<string, AnyAttributeValue>;
  for (const key in values) {
    if (Object.prototype.hasOwnProperty.call(values, key)) writeKeyValue(w, key, values[key], tag);
  }
}

/** One `KeyValue` under `tag`. */
export function writeKeyValue(
  w: ProtoBufferWriter,
  key: string,
  value: AnyAttributeValue,
  tag: number,
): void {
  // Length prefixes are reserved as long as an ASCII string value makes them (others take one
  // byte): a guess too short moves the body once written (a decision record, a user agent).
  let valueReserve = 1;
  let reserve = 1;
  if (typeof value === 'string' && value.length > SHORT_VALUE_UNITS) {
    const valueBody = 1 + varintSize(value.length) + value.length;
    valueReserve = varintSize(valueBody);
    reserve = varintSize(key.length + 3 + valueReserve + valueBody);
  }
  w.byte(tag);
  const start = w.begin(reserve);
  w.key(key);
  w.byte(KEY_VALUE_VALUE);
  const valueStart = w.begin(valueReserve);
  writeAnyValue(w, value);
  w.end(valueStart, valueReserve);
  w.end(start, reserve);
}

/** AnyValue body; null, undefined and other types leave it empty, as the SDK's serializer does. */
function writeAnyValue(w: ProtoBufferWriter, value: AnyAttributeValue): void {
  switch (typeof value) {
    case 'string':
      w.byte(ANY_STRING);
      w.string(value);
      return;
    case 'boolean':
      w.byte(ANY_BOOL);
      w.byte(value ? 1 : 0);
      return;
    case 'number':
      writeNumber(w, value);
      return;
    case 'object':
      if (value !== null) writeObjectValue(w, value);
      return;
    default:
      return;
  }
}

/** Integers within int64 go as int_value (exact even past 2^53), anything else as double. */
function writeNumber(w: ProtoBufferWriter, value: number): void {
  if (Number.isInteger(value) && value >= MIN_INT64 && value < MAX_INT64_EXCLUSIVE) {
    w.byte(ANY_INT);
    w.int64(value);
  } else {
    w.byte(ANY_DOUBLE);
    w.double(value);
  }
}

function writeObjectValue(w: ProtoBufferWriter, value: object): void {
  if (value instanceof Uint8Array) {
    w.byte(ANY_BYTES);
    w.bytes(value);
    return;
  }
  const isArray = Array.isArray(value);
  w.byte(isArray ? ANY_ARRAY : ANY_KVLIST);
  const start = w.begin(1);
  if (isArray) {
    for (const item of value as AnyAttributeValue[]) {
      w.byte(LIST_VALUES);
      const itemStart = w.begin(1);
      writeAnyValue(w, item);
      w.end(itemStart, 1);
    }
  } else {
    writeAttributes(w, value, LIST_VALUES);
  }
  w.end(start, 1);
}
