import { decodeFloat32 } from '../../float-codec';
import { type QualityModelKind } from '../../ml.types';

/** Most candidates a model may be built for (a bound on what a hostile artifact can allocate). */
export const MAX_CANDIDATES = 256;
/** Largest dense feature vector a model accepts. */
export const MAX_DENSE_SIZE = 4096;

/**
 * Reads the fields of a model spec from an artifact, which may be hostile: every field is checked
 * for type, range and, for float arrays, exact length before a model is built from it.
 */
export class ModelSpecReader {
  private readonly fields: Readonly<Record<string, unknown>>;

  /** @throws RangeError when `spec` is not an object of this kind and version. */
  constructor(
    spec: unknown,
    private readonly kind: QualityModelKind,
    version: number,
  ) {
    if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
      throw new RangeError(`${kind} model spec is not an object`);
    }
    this.fields = spec as Record<string, unknown>;
    if (this.field('kind') !== kind) throw new RangeError(`model spec is not of kind ${kind}`);
    if (this.field('version') !== version) {
      throw new RangeError(`${kind} model spec version is not ${version}`);
    }
  }

  integer(name: string, min: number, max: number): number {
    const value = this.field(name);
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new RangeError(
        `${this.kind} model field "${name}" must be an integer in [${min}, ${max}]`,
      );
    }
    return value;
  }

  number(name: string, min: number, max: number): number {
    const value = this.field(name);
    if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
      throw new RangeError(
        `${this.kind} model field "${name}" must be a number in [${min}, ${max}]`,
      );
    }
    return value;
  }

  oneOf<Value extends string>(name: string, allowed: readonly Value[]): Value {
    const value = this.field(name);
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      throw new RangeError(
        `${this.kind} model field "${name}" must be one of ${allowed.join(', ')}`,
      );
    }
    return value as Value;
  }

  /** Base64 float32 array of exactly `length` finite values. */
  floats(name: string, length: number): Float32Array {
    const value = this.field(name);
    if (typeof value !== 'string') {
      throw new RangeError(`${this.kind} model field "${name}" must be a base64 string`);
    }
    // Refuse by size before decoding, so a huge field is not decoded just to be rejected.
    if (value.length !== Math.ceil((length * 4) / 3) * 4) {
      throw new RangeError(`${this.kind} model field "${name}" must hold ${length} floats`);
    }
    try {
      return decodeFloat32(value, length);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new RangeError(`${this.kind} model field "${name}": ${reason}`);
    }
  }

  private field(name: string): unknown {
    return Object.prototype.hasOwnProperty.call(this.fields, name) ? this.fields[name] : undefined;
  }
}

/**
 * Checks the candidate list a model is built for: 1..MAX_CANDIDATES unique non-empty names.
 * @throws RangeError otherwise.
 */
export function checkCandidates(candidates: unknown): readonly string[] {
  if (!Array.isArray(candidates) || candidates.length === 0 || candidates.length > MAX_CANDIDATES) {
    throw new RangeError(`candidates must be a list of 1 to ${MAX_CANDIDATES} names`);
  }
  const names = candidates.map((name: unknown) => {
    if (typeof name !== 'string' || name.length === 0) {
      throw new RangeError('candidate names must be non-empty strings');
    }
    return name;
  });
  if (new Set(names).size !== names.length) throw new RangeError('candidate names must be unique');
  return Object.freeze(names);
}

/** Refuses `out` buffers of the wrong length and features of the wrong dense size. */
export function checkPredictArgs(
  kind: QualityModelKind,
  denseLength: number,
  denseSize: number,
  out: Float64Array | undefined,
  candidates: number,
): Float64Array {
  if (denseLength !== denseSize) {
    throw new RangeError(`${kind} model expects ${denseSize} dense features, got ${denseLength}`);
  }
  if (out === undefined) return new Float64Array(candidates);
  if (out.length !== candidates) {
    throw new RangeError(`${kind} model output needs ${candidates} slots, got ${out.length}`);
  }
  return out;
}
