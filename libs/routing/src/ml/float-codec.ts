/** Float32Array ↔ base64 (little-endian), for model weights in JSON artifacts. */
export function encodeFloat32(values: Float32Array): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return Buffer.from(bytes).toString('base64');
}

/**
 * @throws RangeError when `text` is not base64 of whole float32 values, or holds a non-finite
 *   value (a tampered or truncated artifact must not load).
 */
export function decodeFloat32(text: string, expectedLength?: number): Float32Array {
  if (typeof text !== 'string' || !/^[A-Za-z0-9+/]*={0,2}$/.test(text)) {
    throw new RangeError('float array is not base64');
  }
  const bytes = Buffer.from(text, 'base64');
  if (bytes.length % 4 !== 0) throw new RangeError('float array length is not a multiple of 4');
  const length = bytes.length / 4;
  if (expectedLength !== undefined && length !== expectedLength) {
    throw new RangeError(`float array has ${length} values, expected ${expectedLength}`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const value = view.getFloat32(i * 4, true);
    if (!Number.isFinite(value)) throw new RangeError(`float array value ${i} is not finite`);
    out[i] = value;
  }
  return out;
}
