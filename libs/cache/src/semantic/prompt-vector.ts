/** A sparse, L2-normalised vector: sorted indices and their values. */
export interface PromptVector {
  readonly indices: Uint32Array;
  readonly values: Float32Array;
}

const BUCKET_BITS = 20;
const BUCKET_MASK = 2 ** BUCKET_BITS - 1;
const BIGRAM_WEIGHT = 0.5;
const CHAR_WEIGHT = 0.3;
const TOKEN = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;

/**
 * Hashed term vector of a prompt: word unigrams, word bigrams and character trigrams of longer
 * words, sublinear TF, L2-normalised. The ML-routing featurizer hashes the same kinds of terms
 * but weighs them by an IDF fitted on a training corpus and drops unseen terms; the cache has no
 * corpus, and dropping unseen words (often the very names that make two prompts differ) would
 * raise false hits, so it keeps every term unweighted.
 */
export function termVector(text: string): PromptVector {
  const counts = new Map<number, number>();
  const add = (term: string, weight: number): void => {
    const bucket = fnv1a(term) & BUCKET_MASK;
    counts.set(bucket, (counts.get(bucket) ?? 0) + weight);
  };
  const words = text.toLowerCase().match(TOKEN) ?? [];
  words.forEach((word, index) => {
    add(`w:${word}`, 1);
    if (index > 0) add(`b:${words[index - 1]} ${word}`, BIGRAM_WEIGHT);
    if (word.length > 4) {
      const padded = `^${word}$`;
      for (let at = 0; at + 3 <= padded.length; at++)
        add(`c:${padded.slice(at, at + 3)}`, CHAR_WEIGHT);
    }
  });
  return normalised(counts);
}

/** A dense embedding as a PromptVector (every dimension kept), L2-normalised. */
export function denseVector(values: ArrayLike<number>): PromptVector {
  const counts = new Map<number, number>();
  for (let i = 0; i < values.length; i++) counts.set(i, values[i]!);
  return normalised(counts, false);
}

/** Cosine similarity of two normalised vectors (a merge over their sorted indices). */
export function cosine(a: PromptVector, b: PromptVector): number {
  let i = 0;
  let j = 0;
  let dot = 0;
  while (i < a.indices.length && j < b.indices.length) {
    const left = a.indices[i]!;
    const right = b.indices[j]!;
    if (left === right) dot += a.values[i++]! * b.values[j++]!;
    else if (left < right) i++;
    else j++;
  }
  return dot;
}

function normalised(counts: Map<number, number>, sublinear = true): PromptVector {
  const indices = Uint32Array.from(counts.keys()).sort();
  const values = new Float32Array(indices.length);
  let norm = 0;
  indices.forEach((index, at) => {
    const raw = counts.get(index)!;
    // Sublinear TF: a repeated term counts 1 + log(count); weights below 1 stay as they are.
    const value = sublinear && raw > 1 ? 1 + Math.log(raw) : raw;
    values[at] = value;
    norm += value * value;
  });
  if (norm > 0) {
    const scale = 1 / Math.sqrt(norm);
    for (let at = 0; at < values.length; at++) values[at]! *= scale;
  }
  return { indices, values };
}

function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
