import type { ProtoBufferWriter } from './proto-buffer.writer';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const NULL = Buffer.from('null');
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const KEY_CACHE_LIMIT = 1024;
/** Integers below this are written digit by digit (no string made); others through `String`. */
const DIGITS_LIMIT = 2 ** 31;

/**
 * Writes the JSON text of a record as UTF-8 straight into a protobuf buffer: the bytes
 * `Buffer.from(JSON.stringify(value))` gives, without the string in between (making it, then
 * encoding it, took a traced request more instructions than the rest of its routing span;
 * docs/performance.md "Tracing overhead"). Plain data is written here: plain objects, arrays,
 * strings, numbers, booleans, null, members left out as JSON.stringify leaves them out. Any other
 * value (an object with `toJSON` or a prototype of its own, a bigint) is handed to JSON.stringify
 * as a whole, whose text or error is the answer (a `toJSON` there is called with the key '', not
 * its member's name). Keys are copied from a cache of their quoted bytes: a record's keys repeat
 * from call to call.
 */
export class JsonBytesWriter {
  private readonly keys = new Map<string, Buffer>();

  /** The JSON of `value` at the writer's position; false (nothing written) when it has none. */
  write(w: ProtoBufferWriter, value: unknown): boolean {
    switch (typeof value) {
      case 'string':
        writeString(w, value);
        return true;
      case 'number':
        writeNumber(w, value);
        return true;
      case 'boolean':
        w.bytesRaw(value ? TRUE : FALSE);
        return true;
      case 'object':
        if (value === null) w.bytesRaw(NULL);
        else if (!isPlain(value)) return writeText(w, JSON.stringify(value));
        else if (Array.isArray(value)) this.array(w, value);
        else this.object(w, value as Record<string, unknown>);
        return true;
      case 'bigint':
        // JSON.stringify throws for a bigint (a TypeError): the same error here.
        return writeText(w, JSON.stringify(value));
      default:
        // undefined, a function, a symbol: no JSON (a property is left out, an item is null).
        return false;
    }
  }

  private array(w: ProtoBufferWriter, items: readonly unknown[]): void {
    w.byte(OPEN_ARRAY);
    for (let i = 0; i < items.length; i++) {
      if (i > 0) w.byte(COMMA);
      if (!this.write(w, items[i])) w.bytesRaw(NULL);
    }
    w.byte(CLOSE_ARRAY);
  }

  private object(w: ProtoBufferWriter, record: Record<string, unknown>): void {
    w.byte(OPEN_OBJECT);
    let first = true;
    for (const key in record) {
      if (!Object.prototype.hasOwnProperty.call(record, key)) continue;
      const value = record[key];
      // Left out as JSON.stringify leaves them out, before anything of the member is written.
      if (value === undefined || typeof value === 'function' || typeof value === 'symbol') continue;
      const mark = w.pos;
      if (!first) w.byte(COMMA);
      w.bytesRaw(this.key(key));
      // A value handed to JSON.stringify may turn out to have no JSON (a toJSON giving nothing).
      if (this.write(w, value)) first = false;
      else w.pos = mark;
    }
    w.byte(CLOSE_OBJECT);
  }

  /** `"key":` as bytes, kept for the keys seen (up to a bound). */
  private key(key: string): Buffer {
    let bytes = this.keys.get(key);
    if (bytes === undefined) {
      bytes = Buffer.from(`${JSON.stringify(key)}:`, 'utf8');
      if (this.keys.size < KEY_CACHE_LIMIT) this.keys.set(key, bytes);
    }
    return bytes;
  }
}

/**
 * A plain object or array: its JSON is its own enumerable properties or items. Anything with a
 * `toJSON` (a Date) or another prototype (a Map, a boxed primitive, a class instance) is left to
 * JSON.stringify.
 */
function isPlain(value: object): boolean {
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return false;
  if (Array.isArray(value)) return true;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/**
 * A string in quotes. Printable ASCII without `"` or `\` (ids, names, timestamps: nearly every
 * string of a record) is copied as it is; any other string goes through JSON.stringify, which
 * escapes exactly as JSON.stringify does.
 */
function writeString(w: ProtoBufferWriter, value: string): void {
  const length = value.length;
  w.ensure(length + 2);
  const buf = w.buf;
  const start = w.pos;
  let pos = start;
  buf[pos++] = QUOTE;
  for (let i = 0; i < length; i++) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || code === QUOTE || code === BACKSLASH) {
      w.pos = start;
      writeText(w, JSON.stringify(value));
      return;
    }
    buf[pos++] = code;
  }
  buf[pos++] = QUOTE;
  w.pos = pos;
}

/** As JSON.stringify writes numbers: finite ones as `String(n)` gives them, others as null. */
function writeNumber(w: ProtoBufferWriter, value: number): void {
  if (Number.isInteger(value) && value >= 0 && value < DIGITS_LIMIT) {
    writeDigits(w, value);
    return;
  }
  if (!Number.isFinite(value)) {
    w.bytesRaw(NULL);
    return;
  }
  writeText(w, String(value));
}

function writeDigits(w: ProtoBufferWriter, value: number): void {
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits += 1;
  w.ensure(digits);
  const buf = w.buf;
  let pos = w.pos + digits;
  w.pos = pos;
  let rest = value;
  do {
    buf[--pos] = 0x30 + (rest % 10);
    rest = Math.floor(rest / 10);
  } while (rest > 0);
}

/** Text already in JSON form; false when there is none (JSON.stringify gave undefined). */
function writeText(w: ProtoBufferWriter, text: string | undefined): boolean {
  if (text === undefined) return false;
  w.ensure(text.length * 3);
  w.pos += w.buf.write(text, w.pos, 'utf8');
  return true;
}
