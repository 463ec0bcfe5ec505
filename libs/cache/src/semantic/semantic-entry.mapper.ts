import { tokenOf } from '../cache-key';
import type { PromptVector } from './prompt-vector';
import type { PromptFacts } from './semantic-guard';
import type { IndexedPrompt } from './semantic-index';

/** Largest dense embedding shared between replicas. */
export const MAX_SHARED_DIMENSIONS = 8192;
/** Most terms of a shared term vector. */
export const MAX_SHARED_TERMS = 16_384;
/** Most items of one shared fact set (numbers, entities, units, words, phrases). */
export const MAX_SHARED_FACTS = 4096;
/** Largest encoded entry, as JSON text: a bigger one is neither shared nor read. */
export const MAX_SHARED_ENTRY_CHARS = 256 * 1024;
const MAX_LABEL_CHARS = 512;
const NORM_TOLERANCE = 1e-3;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * A semantic index entry as Redis and the bus carry it. Vectors are little-endian Float32 (dense:
 * every dimension; sparse: sorted Uint32 indices and their values), facts little-endian Uint32
 * fingerprints (entities as fingerprint/phrase pairs), all base64. No prompt text.
 */
export interface SharedIndexEntry {
  readonly v: 1;
  readonly hash: string;
  readonly scope: string;
  readonly model: string;
  readonly space: string;
  readonly expires_at: number;
  readonly vector:
    | { readonly kind: 'dense'; readonly values: string }
    | { readonly kind: 'sparse'; readonly indices: string; readonly values: string };
  readonly facts: {
    readonly numbers: string;
    readonly negations: number;
    readonly entities: string;
    readonly units_dates: string;
    readonly words: string;
    readonly phrases: string;
  };
}

/** The shared form of `prompt`, or undefined when it is too large to share. */
export function toSharedEntry(prompt: IndexedPrompt): SharedIndexEntry | undefined {
  const { vector, facts, address } = prompt;
  const dense = vector.indices.every((index, at) => index === at);
  if (vector.indices.length > (dense ? MAX_SHARED_DIMENSIONS : MAX_SHARED_TERMS)) return undefined;
  const sets = [facts.numbers, facts.unitsDates, facts.words, facts.phrases];
  if (facts.entities.size > MAX_SHARED_FACTS || sets.some((set) => set.size > MAX_SHARED_FACTS)) {
    return undefined;
  }
  const entry: SharedIndexEntry = {
    v: 1,
    hash: address.hash,
    scope: address.scope,
    model: address.model,
    space: prompt.space,
    expires_at: prompt.expiresAt,
    vector: dense
      ? { kind: 'dense', values: floatsToBase64(vector.values) }
      : {
          kind: 'sparse',
          indices: uintsToBase64(vector.indices),
          values: floatsToBase64(vector.values),
        },
    facts: {
      numbers: uintsToBase64(facts.numbers),
      negations: facts.negations,
      entities: uintsToBase64([...facts.entities].flat()),
      units_dates: uintsToBase64(facts.unitsDates),
      words: uintsToBase64(facts.words),
      phrases: uintsToBase64(facts.phrases),
    },
  };
  return JSON.stringify(entry).length <= MAX_SHARED_ENTRY_CHARS ? entry : undefined;
}

/**
 * The index entry a shared entry (JSON text or parsed) holds, or undefined when it is malformed,
 * too large or expired at `now`. Untrusted input: never throws.
 */
export function fromSharedEntry(raw: unknown, now: number): IndexedPrompt | undefined {
  try {
    const value = typeof raw === 'string' ? parseBounded(raw) : raw;
    if (typeof value !== 'object' || value === null) return undefined;
    const entry = value as Partial<Record<keyof SharedIndexEntry, unknown>>;
    if (entry.v !== 1 || !isHex(entry.hash, 64) || !isHex(entry.space, 32)) return undefined;
    if (!isLabel(entry.scope, 1) || !isLabel(entry.model, 0)) return undefined;
    const expiresAt = entry.expires_at;
    if (!Number.isSafeInteger(expiresAt) || (expiresAt as number) <= now) return undefined;
    const vector = vectorOf(entry.vector);
    const facts = factsOf(entry.facts);
    if (!vector || !facts) return undefined;
    const { hash, scope, model, space } = entry as SharedIndexEntry;
    const address = { hash, scope, scopeToken: tokenOf(scope), model, modelToken: tokenOf(model) };
    return { address, space, vector, facts, expiresAt: expiresAt as number };
  } catch {
    return undefined;
  }
}

function parseBounded(text: string): unknown {
  return text.length <= MAX_SHARED_ENTRY_CHARS ? (JSON.parse(text) as unknown) : undefined;
}

function vectorOf(raw: unknown): PromptVector | undefined {
  const vector = (raw ?? {}) as Record<string, unknown>;
  if (vector.kind === 'dense') {
    const values = floatsOf(vector.values, MAX_SHARED_DIMENSIONS);
    if (!values) return undefined;
    if (!unitNorm(values)) return undefined;
    return { indices: Uint32Array.from({ length: values.length }, (_, at) => at), values };
  }
  if (vector.kind !== 'sparse') return undefined;
  const values = floatsOf(vector.values, MAX_SHARED_TERMS);
  const indices = uintsOf(vector.indices, MAX_SHARED_TERMS);
  if (!values || !indices || indices.length !== values.length) return undefined;
  // Sorted without repeats: cosine merges two vectors over their indices.
  if (indices.some((index, at) => at > 0 && index <= indices[at - 1]!)) return undefined;
  return unitNorm(values) ? { indices: Uint32Array.from(indices), values } : undefined;
}

function factsOf(raw: unknown): PromptFacts | undefined {
  const facts = (raw ?? {}) as Record<string, unknown>;
  const negations = facts.negations;
  if (!Number.isSafeInteger(negations) || (negations as number) < 0) return undefined;
  const [numbers, entities, unitsDates, words, phrases] = [
    facts.numbers,
    facts.entities,
    facts.units_dates,
    facts.words,
    facts.phrases,
  ].map((set, at) => uintsOf(set, at === 1 ? 2 * MAX_SHARED_FACTS : MAX_SHARED_FACTS));
  if (!numbers || !entities || !unitsDates || !words || !phrases) return undefined;
  if (entities.length % 2 !== 0) return undefined;
  const pairs = new Map<number, number>();
  for (let at = 0; at < entities.length; at += 2) pairs.set(entities[at]!, entities[at + 1]!);
  return {
    numbers: new Set(numbers),
    negations: negations as number,
    entities: pairs,
    unitsDates: new Set(unitsDates),
    words: new Set(words),
    phrases: new Set(phrases),
  };
}

function unitNorm(values: Float32Array): boolean {
  let norm = 0;
  for (const value of values) norm += value * value;
  return Math.abs(norm - 1) <= NORM_TOLERANCE;
}

function isHex(value: unknown, length: number): value is string {
  return typeof value === 'string' && value.length === length && /^[0-9a-f]+$/.test(value);
}

function isLabel(value: unknown, minLength: number): value is string {
  return typeof value === 'string' && value.length >= minLength && value.length <= MAX_LABEL_CHARS;
}

/** Bytes of a base64 text holding at most `maxItems` 4-byte items, else undefined. */
function bytesOf(text: unknown, maxItems: number): Buffer | undefined {
  if (typeof text !== 'string' || text.length > Math.ceil((maxItems * 4) / 3) + 4) return undefined;
  if (!BASE64.test(text)) return undefined;
  const bytes = Buffer.from(text, 'base64');
  return bytes.length % 4 === 0 && bytes.length / 4 <= maxItems ? bytes : undefined;
}

function uintsOf(text: unknown, maxItems: number): number[] | undefined {
  const bytes = bytesOf(text, maxItems);
  if (!bytes) return undefined;
  return Array.from({ length: bytes.length / 4 }, (_, at) => bytes.readUInt32LE(at * 4));
}

function floatsOf(text: unknown, maxItems: number): Float32Array | undefined {
  const bytes = bytesOf(text, maxItems);
  if (!bytes || bytes.length === 0) return undefined;
  const values = new Float32Array(bytes.length / 4);
  for (let at = 0; at < values.length; at++) values[at] = bytes.readFloatLE(at * 4);
  return values.every(Number.isFinite) ? values : undefined;
}

function uintsToBase64(values: Iterable<number>): string {
  const items = [...values];
  const bytes = Buffer.alloc(items.length * 4);
  items.forEach((value, at) => bytes.writeUInt32LE(value >>> 0, at * 4));
  return bytes.toString('base64');
}

function floatsToBase64(values: Float32Array): string {
  const bytes = Buffer.alloc(values.length * 4);
  values.forEach((value, at) => bytes.writeFloatLE(value, at * 4));
  return bytes.toString('base64');
}
