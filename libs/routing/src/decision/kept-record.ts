import * as observability from '@routeiq/observability';
import type { TextPiece } from '@routeiq/observability';

// Read once: a lib's index re-exports compile to getters, called at every use (docs/performance.md
// "Tracing overhead", session 18).
const { writeJsonPlain } = observability;
/** Room past a kept record's bytes, for values that grow. */
const SPARE_BYTES = 64;

/**
 * The UTF-8 bytes of the last record of one shape, and where each of its own values sits in
 * them. The next record of the shape is this one with its values written over the last one's
 * (the bytes after a value moved when its length changed): one copy into the OTLP buffer instead
 * of a copy per piece and a write per value (docs/performance.md "Tracing overhead", session 23).
 * Values are written as they are, so only values that need no escaping in JSON are kept.
 */
export class KeptRecord {
  /** `bytes` up to `used` (made again only when a value's length changed). */
  private view: Uint8Array | undefined = undefined;

  private constructor(
    private readonly bytes: Buffer,
    /** Bytes in use. */
    private used: number,
    /** Where value `i` starts, and its length. */
    private readonly at: number[],
    private readonly lengths: number[],
  ) {}

  /** The record made of `parts` with `values` between them; undefined if a value needs escaping. */
  static of(
    parts: readonly TextPiece[],
    values: readonly string[],
    count: number,
  ): KeptRecord | undefined {
    let size = 0;
    for (let i = 0; i < parts.length; i++) size += parts[i]!.utf8.length;
    for (let i = 0; i < count; i++) size += values[i]!.length;
    const bytes = Buffer.allocUnsafe(size + SPARE_BYTES);
    const at: number[] = [];
    const lengths: number[] = [];
    let pos = 0;
    for (let i = 0; i <= count; i++) {
      const part = parts[i]!.utf8;
      bytes.set(part, pos);
      pos += part.length;
      if (i === count) break;
      const value = values[i]!;
      if (!writeJsonPlain(bytes, pos, value)) return undefined;
      at.push(pos);
      lengths.push(value.length);
      pos += value.length;
    }
    return new KeptRecord(bytes, pos, at, lengths);
  }

  /**
   * Writes `values` (as many as the record has) over the last ones; false if one needs escaping
   * or there is no room for them, the record then no longer to be used.
   */
  patch(values: readonly string[]): boolean {
    const at = this.at;
    const lengths = this.lengths;
    for (let i = 0; i < at.length; i++) {
      const value = values[i]!;
      const length = value.length;
      const shift = length - lengths[i]!;
      if (shift !== 0 && !this.move(i, shift)) return false;
      if (!writeJsonPlain(this.bytes, at[i]!, value)) return false;
    }
    return true;
  }

  /** The record's bytes (a view of the kept buffer: copy them before the next patch). */
  utf8(): Uint8Array {
    return (this.view ??= this.bytes.subarray(0, this.used));
  }

  /** Moves what follows value `i` by `shift` bytes (its new length less its old one). */
  private move(i: number, shift: number): boolean {
    const bytes = this.bytes;
    if (this.used + shift > bytes.length) return false;
    const end = this.at[i]! + this.lengths[i]!;
    bytes.copyWithin(end + shift, end, this.used);
    this.used += shift;
    this.view = undefined;
    this.lengths[i] = this.lengths[i]! + shift;
    for (let j = i + 1; j < this.at.length; j++) this.at[j] = this.at[j]! + shift;
    return true;
  }
}
