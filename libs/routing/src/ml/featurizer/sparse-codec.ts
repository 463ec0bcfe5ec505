/** Uint32Array ↔ base64 (little-endian): sparse indices in JSON artifacts, beside float-codec. */
export function encodeUint32(values: Uint32Array): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setUint32(i * 4, values[i]!, true);
  return Buffer.from(bytes).toString('base64');
}

/**
 * @throws RangeError when `text` is not base64 of whole uint32 values or has the wrong length.
 */
export function decodeUint32(text: unknown, expectedLength?: number): Uint32Array {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    throw new RangeError('uint32 array is not base64');
  }
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 4 !== 0) throw new RangeError('uint32 array length is not a multiple of 4');
  const length = bytes.length / 4;
  if (expectedLength !== undefined && length !== expectedLength) {
    throw new RangeError(`uint32 array has ${length} values, expected ${expectedLength}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const out = new Uint32Array(length);
  for (let i = 0; i < length; i++) out[i] = view.getUint32(i * 4, true);
  return out;
}

/**
 * Checks that `indices[start, end)` is strictly increasing and below `limit`.
 * @throws RangeError naming `what` otherwise.
 */
export function assertSortedIndices(
  indices: Uint32Array,
  limit: number,
  what: string,
  start = 0,
  end = indices.length,
): void {
  let previous = -1;
  for (let i = start; i < end; i++) {
    const index = indices[i]!;
    if (index <= previous) throw new RangeError(`${what}: indices are not strictly increasing`);
    if (index >= limit) throw new RangeError(`${what}: index ${index} is out of range`);
    previous = index;
  }
}
