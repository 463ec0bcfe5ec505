/**
 * 32-bit hashing for the hashed featurizer. FNV-1a over UTF-16 code units (no string encoding on
 * the hot path), finished with murmur3's fmix32 so the low bits used as bucket indices are well
 * mixed. Changing any constant here changes every trained artifact: bump the featurizer version.
 */

export const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** One FNV-1a step: folds a UTF-16 code unit into `hash`. */
export function fnvStep(hash: number, code: number): number {
  return Math.imul(hash ^ code, FNV_PRIME);
}

/** FNV-1a of `text[start, end)`, seeded so separate namespaces (words, n-grams) do not collide. */
export function fnvRange(text: string, start: number, end: number, seed = FNV_OFFSET): number {
  let hash = seed;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ text.charCodeAt(i), FNV_PRIME);
  return hash;
}

/** murmur3 finaliser: full avalanche of a 32-bit value. */
export function fmix32(value: number): number {
  let h = value ^ (value >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Order-sensitive combination of two token hashes (a word bigram), mixed once more. */
export function combineHashes(first: number, second: number, salt: number): number {
  return fmix32(Math.imul(first ^ salt, 0x9e3779b1) + second);
}
