import { FNV_OFFSET, combineHashes, fmix32, fnvRange, fnvStep } from './feature-hash';
import { NUMBER, Tokenizer, WORD } from './text-tokens';

/** Which hashed terms a text yields. */
export interface TermOptions {
  /** Longest word n-gram: 1 (unigrams), 2 (+ bigrams) or 3 (+ trigrams). */
  readonly wordNgrams: number;
  /** Character n-gram lengths within each word (with boundary marks), or null for none. */
  readonly charNgrams: readonly [number, number] | null;
  /**
   * The first and last this many tokens also count with their position ("opens with `q`",
   * "ends with `answer` `:`"): task templates show at a prompt's edges.
   */
  readonly edgeTokens: number;
  /** Bucket mask: 2^bits − 1. */
  readonly mask: number;
}

const NUMBER_CLASS = fmix32(0x6e756d21);
const BIGRAM_SALT = 0x2f6b1a3d;
const TRIGRAM_SALT = 0x51c3e7a9;
const CHAR_SEED = fmix32(0x63686172);
const WORD_START = 0x02;
const WORD_END = 0x03;
const HEAD_SALT = 0x1b873593;
const TAIL_SALT = 0x7ed55d16;
/** Ring buffer of the last `edgeTokens` token hashes (at most MAX_EDGE_TOKENS). */
const LAST_TOKENS = new Int32Array(16);
// Shared: countTerms is synchronous and never re-entered.
const TOKENIZER = new Tokenizer();

/**
 * Term counts of one text, plus token tallies the dense features reuse. An open-addressing table
 * over typed arrays, reused across texts: a Map allocates per entry, and this is the hot path.
 */
export class TermCounts {
  /** Distinct buckets counted, in first-seen order: `bucketAt(i)`, `countAt(i)` for i < size. */
  size = 0;
  tokens = 0;
  numbers = 0;
  words = 0;
  wordChars = 0;
  private slots = new Int32Array(1024).fill(-1);
  private buckets = new Uint32Array(512);
  private counts = new Uint32Array(512);
  /** Slot of each entry, so a reset clears exactly the slots in use. */
  private used = new Uint32Array(512);

  reset(): void {
    for (let i = 0; i < this.size; i++) this.slots[this.used[i]!] = -1;
    this.size = 0;
    this.tokens = 0;
    this.numbers = 0;
    this.words = 0;
    this.wordChars = 0;
  }

  bucketAt(i: number): number {
    return this.buckets[i]!;
  }

  countAt(i: number): number {
    return this.counts[i]!;
  }

  add(hash: number, mask: number): void {
    const bucket = (hash & mask) >>> 0;
    const slot = this.slotOf(bucket);
    const entry = this.slots[slot]!;
    if (entry >= 0) {
      this.counts[entry]!++;
      return;
    }
    if (this.size === this.buckets.length) return this.grow(bucket);
    this.slots[slot] = this.size;
    this.used[this.size] = slot;
    this.buckets[this.size] = bucket;
    this.counts[this.size++] = 1;
  }

  /** The slot holding `bucket`, or the empty slot where it would go (linear probing). */
  private slotOf(bucket: number): number {
    const mask = this.slots.length - 1;
    let slot = Math.imul(bucket, 0x9e3779b1) >>> 0;
    for (slot &= mask; ; slot = (slot + 1) & mask) {
      const entry = this.slots[slot]!;
      if (entry < 0 || this.buckets[entry] === bucket) return slot;
    }
  }

  /** Doubles every array (the table stays at most half full), then adds `bucket`. */
  private grow(bucket: number): void {
    const size = this.size;
    this.buckets = copyInto(new Uint32Array(size * 2), this.buckets);
    this.counts = copyInto(new Uint32Array(size * 2), this.counts);
    this.used = new Uint32Array(size * 2);
    this.slots = new Int32Array(size * 4).fill(-1);
    for (let i = 0; i < size; i++) {
      const slot = this.slotOf(this.buckets[i]!);
      this.slots[slot] = i;
      this.used[i] = slot;
    }
    this.add(bucket, 0xffffffff);
  }
}

function copyInto<T extends Uint32Array>(target: T, source: Uint32Array): T {
  target.set(source);
  return target;
}

/** Boundary-marked character n-grams of the word `text[start, end)`. */
function addCharNgrams(
  text: string,
  start: number,
  end: number,
  [min, max]: readonly [number, number],
  into: TermCounts,
  mask: number,
): void {
  const last = end - start + 1; // padded positions: 0 and `last` are the boundary marks
  for (let from = 0; from <= last; from++) {
    let hash = CHAR_SEED;
    for (let to = from; to <= last && to - from < max; to++) {
      const code = to === 0 ? WORD_START : to === last ? WORD_END : text.charCodeAt(start + to - 1);
      hash = fnvStep(hash, code);
      if (to - from + 1 >= min) into.add(fmix32(hash), mask);
    }
  }
}

/**
 * Counts the hashed terms of an already lower-cased text: unigrams (numbers also as one shared
 * class token, so "12 apples" and "7 apples" share the bigram), word n-grams, char n-grams, and
 * the edge tokens with their positions.
 */
export function countTerms(text: string, options: TermOptions, into: TermCounts): void {
  into.reset();
  const { mask, wordNgrams, charNgrams, edgeTokens } = options;
  const last = LAST_TOKENS;
  let previous = 0;
  let beforePrevious = 0;
  const tokens = TOKENIZER;
  tokens.reset(text);
  while (tokens.next()) {
    const { start, end, kind } = tokens;
    const literal = fmix32(fnvRange(text, start, end, FNV_OFFSET));
    let hash = literal;
    if (kind === NUMBER) {
      into.numbers++;
      into.add(literal, mask);
      hash = NUMBER_CLASS;
    } else if (kind === WORD) {
      into.words++;
      into.wordChars += end - start;
      if (charNgrams !== null) addCharNgrams(text, start, end, charNgrams, into, mask);
    }
    into.add(hash, mask);
    if (wordNgrams >= 2 && into.tokens >= 1)
      into.add(combineHashes(previous, hash, BIGRAM_SALT), mask);
    if (wordNgrams >= 3 && into.tokens >= 2) {
      into.add(
        combineHashes(combineHashes(beforePrevious, previous, TRIGRAM_SALT), hash, TRIGRAM_SALT),
        mask,
      );
    }
    if (into.tokens < edgeTokens) {
      into.add(combineHashes(HEAD_SALT + into.tokens, hash, HEAD_SALT), mask);
    }
    if (edgeTokens > 0) last[into.tokens % edgeTokens] = hash;
    beforePrevious = previous;
    previous = hash;
    into.tokens++;
  }
  for (let i = 1; i <= Math.min(edgeTokens, into.tokens); i++) {
    into.add(combineHashes(TAIL_SALT + i, last[(into.tokens - i) % edgeTokens]!, TAIL_SALT), mask);
  }
}
