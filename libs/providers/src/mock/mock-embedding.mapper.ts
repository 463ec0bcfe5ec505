import { createHash } from 'node:crypto';
import type { EmbeddingRequest, EmbeddingResponse } from '../contract/openai-wire.types';
import { invalidValue, mockInputs, type MockInput } from './mock-input';

const DEFAULT_DIMENSIONS = 256;
const MAX_DIMENSIONS = 8192;

/** A deterministic unit vector (float32 precision) seeded by the input's SHA-256. */
export function mockVector(input: MockInput, dimensions: number): Float32Array {
  const key = typeof input.value === 'string' ? `s:${input.value}` : `t:${input.value.join(',')}`;
  const digest = createHash('sha256').update(key).digest();
  // xorshift128 seeded from the digest: fast, stable across platforms.
  let [a, b, c, d] = [0, 4, 8, 12].map((offset) => digest.readUInt32LE(offset) || 1) as [
    number,
    number,
    number,
    number,
  ];
  const vector = new Float32Array(dimensions);
  let norm = 0;
  for (let i = 0; i < dimensions; i += 1) {
    const t = a ^ (a << 11);
    [a, b, c] = [b, c, d];
    d = (d ^ (d >>> 19) ^ t ^ (t >>> 8)) >>> 0;
    const value = d / 0x80000000 - 1;
    vector[i] = value;
    norm += value * value;
  }
  const scale = 1 / Math.sqrt(norm || 1);
  for (let i = 0; i < dimensions; i += 1) vector[i] = (vector[i] as number) * scale;
  return vector;
}

/** Little-endian float32 bytes in base64, as OpenAI sends for `encoding_format: 'base64'`. */
export function toBase64(vector: Float32Array): string {
  const buffer = Buffer.allocUnsafe(vector.length * 4);
  for (let i = 0; i < vector.length; i += 1) buffer.writeFloatLE(vector[i] as number, i * 4);
  return buffer.toString('base64');
}

function dimensionsOf(request: EmbeddingRequest): number {
  const value = request.dimensions;
  if (value === undefined) return DEFAULT_DIMENSIONS;
  if (!Number.isInteger(value) || value < 1 || value > MAX_DIMENSIONS) {
    throw invalidValue('dimensions', `'dimensions' must be an integer from 1 to ${MAX_DIMENSIONS}`);
  }
  return value;
}

export function mockEmbeddings(request: EmbeddingRequest, model: string): EmbeddingResponse {
  const inputs = mockInputs(request.input, 'input');
  const dimensions = dimensionsOf(request);
  const base64 = request.encoding_format === 'base64';
  const data = inputs.map((input, index) => {
    const vector = mockVector(input, dimensions);
    return {
      object: 'embedding' as const,
      index,
      embedding: base64 ? toBase64(vector) : Array.from(vector),
    };
  });
  const tokens = inputs.reduce((sum, input) => sum + input.tokens, 0);
  return { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}
