import type { HrTime } from '@opentelemetry/api';

/**
 * Below this many UTF-16 units an ASCII string is copied by a JS loop (~10 instructions a unit),
 * which beats the native UTF-8 writer's call (~2,000 instructions, counted under callgrind): ids,
 * names and model names are mostly 20-40 units. 63 ASCII bytes still take a one-byte prefix.
 */
const SHORT_STRING = 64;
const TWO_POW_23 = 0x800000;
const TWO_POW_32 = 0x100000000;
const NANOS_PER_SECOND_ODD = 1953125; // 1e9 = 2^9 * 1953125
/** Longest string whose UTF-8 length surely fits a one-byte prefix (3 bytes per unit). */
const ONE_BYTE_PREFIX_UNITS = 42;
const KEY_CACHE_LIMIT = 4096;
const KEY_TAG = 0x0a; // KeyValue.key: field 1, length-delimited
/** From this many bytes on, a native copy beats a byte loop. */
const NATIVE_COPY_BYTES = 24;
/**
 * Read through `.call` and after `${value}`, a string's code units and length take no inline
 * cache: strings of many representations reach the writer (literal, concatenated, sliced, parsed,
 * internalized) and `value.charCodeAt`/`value.length` sites that see more than four of them turn
 * megamorphic, a stub-cache probe per character (~10,000 instructions per traced request, counted
 * under callgrind). The template string is the same string, typed as one for the compiler.
 */
// eslint-disable-next-line @typescript-eslint/unbound-method -- always called with .call(text, i)
const charCodeAt = String.prototype.charCodeAt;

/** Bytes a varint of `value` (0 ≤ value < 2^35) takes. */
export function varintSize(value: number): number {
  if (value < 0x80) return 1;
  if (value < 0x4000) return 2;
  if (value < 0x200000) return 3;
  if (value < 0x10000000) return 4;
  return 5;
}

/**
 * A single-pass protobuf writer over one growing Buffer. Length-delimited fields reserve a guessed
 * number of prefix bytes and are back-patched; when the guess was wrong the body is moved (rare,
 * native memmove), so every varint stays minimal and no size-estimation pass is needed.
 */
export class ProtoBufferWriter {
  buf: Buffer;
  /** `buf` as a DataView: fixed-width values and ids go in as 32-bit words, not byte by byte. */
  view: DataView;
  pos = 0;

  /** @param keys encoded attribute keys, shared across writers so each key is encoded once */
  constructor(
    initialSize: number,
    private readonly keys = new Map<string, Uint8Array>(),
  ) {
    this.buf = Buffer.allocUnsafe(initialSize);
    this.view = viewOf(this.buf);
  }

  /** The bytes written so far (a view, not a copy). */
  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  ensure(bytes: number): void {
    if (this.pos + bytes > this.buf.length) this.grow(bytes);
  }

  /** One byte: a tag of a field below 16, or a bool. */
  byte(value: number): void {
    if (this.pos >= this.buf.length) this.grow(1);
    this.buf[this.pos++] = value;
  }

  varint32(value: number): void {
    this.ensure(5);
    const buf = this.buf;
    let pos = this.pos;
    let v = value >>> 0;
    while (v > 0x7f) {
      buf[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[pos++] = v;
    this.pos = pos;
  }

  /** An int64 varint from a JS integer (two's complement for negatives, ten bytes then). */
  int64(value: number): void {
    if (value >= 0 && value <= 0xffffffff) {
      this.varint32(value);
      return;
    }
    const abs = Math.abs(value);
    let low = abs >>> 0;
    let high = (abs / TWO_POW_32) >>> 0;
    if (value < 0) {
      low = (~low + 1) >>> 0;
      high = (~high + (low === 0 ? 1 : 0)) >>> 0;
    }
    this.ensure(10);
    const buf = this.buf;
    let pos = this.pos;
    while (high > 0 || low > 0x7f) {
      buf[pos++] = (low & 0x7f) | 0x80;
      low = ((low >>> 7) | (high << 25)) >>> 0;
      high >>>= 7;
    }
    buf[pos++] = low;
    this.pos = pos;
  }

  fixed32(value: number): void {
    this.ensure(4);
    this.uint32(value >>> 0);
  }

  /** HrTime [s, ns] as fixed64 nanoseconds, exact: seconds * 1e9 overflows 2^53. */
  fixed64HrTime(time: HrTime): void {
    this.nanos64(time[0], time[1]);
  }

  /** Epoch milliseconds (fractional) as fixed64 nanoseconds, to the nanosecond the double holds. */
  fixed64Millis(ms: number): void {
    let seconds = Math.floor(ms / 1000);
    let nanos = Math.round((ms - seconds * 1000) * 1e6);
    if (nanos >= 1e9) {
      seconds += 1;
      nanos -= 1e9;
    }
    this.nanos64(seconds, nanos);
  }

  /**
   * `seconds * 1e9 + nanos` as fixed64, exact: seconds * 1e9 overflows 2^53, so it is split as
   * (seconds * 1953125) * 2^9. The remainder by 2^23 is taken by subtraction (`%` on doubles is a
   * call to fmod); every step is exact below 2^53, until the year 2116.
   */
  private nanos64(seconds: number, nanos: number): void {
    const scaled = seconds * NANOS_PER_SECOND_ODD;
    const over = Math.floor(scaled / TWO_POW_23);
    const low = (scaled - over * TWO_POW_23) * 512 + nanos;
    const high = over + Math.floor(low / TWO_POW_32);
    this.ensure(8);
    const view = this.view;
    const pos = this.pos;
    view.setUint32(pos, low >>> 0, true);
    view.setUint32(pos + 4, high >>> 0, true);
    this.pos = pos + 8;
  }

  double(value: number): void {
    this.ensure(8);
    this.pos = this.buf.writeDoubleLE(value, this.pos);
  }

  /** A length-prefixed UTF-8 string. 3 bytes per UTF-16 unit bounds the encoded size. */
  string(value: string): void {
    const text = `${value}`;
    const length = text.length;
    if (length < SHORT_STRING && this.asciiString(text, length)) return;
    const reserve = varintSize(length * 3);
    this.ensure(reserve + length * 3);
    const start = this.pos;
    this.pos += reserve;
    this.pos += this.buf.write(text, this.pos, 'utf8');
    this.end(start, reserve);
  }

  /**
   * Tag and string of `KeyValue.key`. Keys repeat in every span, so their encoding is kept
   * (short keys, up to a bound) and copied, which beats encoding them again.
   */
  key(value: string): void {
    let encoded = this.keys.get(value);
    if (encoded === undefined) {
      if (value.length > ONE_BYTE_PREFIX_UNITS || this.keys.size >= KEY_CACHE_LIMIT) {
        this.byte(KEY_TAG);
        this.string(value);
        return;
      }
      const utf8 = Buffer.from(value, 'utf8');
      encoded = Buffer.concat([Buffer.of(KEY_TAG, utf8.length), utf8]);
      this.keys.set(value, encoded);
    }
    // A native copy beats a byte loop from about 16 bytes on.
    this.ensure(encoded.length);
    this.buf.set(encoded, this.pos);
    this.pos += encoded.length;
  }

  /** Bytes from a hex string (trace and span ids), length-prefixed. */
  hexBytes(hex: string): void {
    const text = `${hex}`;
    const units = text.length;
    const length = units >>> 1;
    this.ensure(5 + length);
    this.varint32(length);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < units; i += 2) {
      buf[pos++] =
        (HEX_VALUES[charCodeAt.call(text, i)]! << 4) | HEX_VALUES[charCodeAt.call(text, i + 1)]!;
    }
    this.pos = pos;
  }

  /** Bytes as they are, without a length prefix (an already encoded part of a message). */
  bytesRaw(value: Uint8Array): void {
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  /**
   * An id: `size` bytes (a multiple of 4, below 128) of `source` from `at`, length-prefixed, as
   * 32-bit words (half the time of a byte loop for 8 and 16 bytes, measured).
   */
  id(source: DataView, at: number, size: number): void {
    this.ensure(1 + size);
    const view = this.view;
    const pos = this.pos;
    this.buf[pos] = size;
    for (let i = 0; i < size; i += 4) view.setUint32(pos + 1 + i, source.getUint32(at + i));
    this.pos = pos + 1 + size;
  }

  bytes(value: Uint8Array): void {
    this.varint32(value.length);
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  /** Bytes as they are, no prefix: a loop for a few, a native copy past NATIVE_COPY_BYTES. */
  raw(value: Uint8Array): void {
    const length = value.length;
    this.ensure(length);
    if (length >= NATIVE_COPY_BYTES) {
      this.buf.set(value, this.pos);
      this.pos += length;
      return;
    }
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < length; i++) buf[pos++] = value[i]!;
    this.pos = pos;
  }

  /** A string's UTF-8 bytes, no prefix (a piece of a longer string). */
  rawText(value: string): void {
    const text = `${value}`;
    const length = text.length;
    this.ensure(length * 3);
    if (length < SHORT_STRING) {
      const buf = this.buf;
      let pos = this.pos;
      let i = 0;
      for (; i < length; i++) {
        const code = charCodeAt.call(text, i);
        if (code > 0x7f) break;
        buf[pos++] = code;
      }
      if (i === length) {
        this.pos = pos;
        return;
      }
    }
    this.pos += this.buf.write(text, this.pos, 'utf8');
  }

  /** Opens a length-delimited body with `reserve` prefix bytes; returns where it starts. */
  begin(reserve: number): number {
    this.ensure(reserve);
    const start = this.pos;
    this.pos += reserve;
    return start;
  }

  /** Closes a body opened by {@link begin}: writes its length, moving the body if needed. */
  end(start: number, reserve: number): void {
    const length = this.pos - start - reserve;
    const size = varintSize(length);
    if (size !== reserve) {
      if (size > reserve) this.ensure(size - reserve);
      this.buf.copyWithin(start + size, start + reserve, this.pos);
      this.pos += size - reserve;
    }
    const buf = this.buf;
    let pos = start;
    let v = length;
    while (v > 0x7f) {
      buf[pos++] = (v & 0x7f) | 0x80;
      v >>>= 7;
    }
    buf[pos] = v;
  }

  /** Four bytes, little-endian, room ensured: plain stores beat Buffer#writeUInt32LE's checks. */
  private uint32(value: number): void {
    const buf = this.buf;
    const pos = this.pos;
    buf[pos] = value & 0xff;
    buf[pos + 1] = (value >>> 8) & 0xff;
    buf[pos + 2] = (value >>> 16) & 0xff;
    buf[pos + 3] = value >>> 24;
    this.pos = pos + 4;
  }

  /** A short string if it is ASCII (true); false, with nothing written, if it is not. */
  private asciiString(value: string, length: number): boolean {
    this.ensure(1 + length);
    const buf = this.buf;
    const start = this.pos;
    let pos = start + 1;
    for (let i = 0; i < length; i++) {
      const code = charCodeAt.call(value, i);
      if (code > 0x7f) return false;
      buf[pos++] = code;
    }
    buf[start] = length; // below SHORT_STRING: a one-byte length
    this.pos = pos;
    return true;
  }

  private grow(bytes: number): void {
    let size = this.buf.length * 2;
    while (size < this.pos + bytes) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.view = viewOf(next);
  }
}

/** A DataView over exactly the bytes of `bytes`. */
export function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Digit values by char code, 0-9, a-f, A-F (ids from the SDK are lowercase; the SDK's own decoder
 * accepts both cases): a lookup beats computing them. Other codes read as 0 (ids are validated).
 */
const HEX_VALUES = new Uint8Array(0x80);
for (let digit = 0; digit < 16; digit++) {
  const text = digit.toString(16);
  HEX_VALUES[text.charCodeAt(0)] = digit;
  HEX_VALUES[text.toUpperCase().charCodeAt(0)] = digit;
}
