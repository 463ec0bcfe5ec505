import type { TermCounts } from './text-terms';

/**
 * Names of the dense features, in order. Stored in the featurizer spec so an artifact trained on
 * another list is refused rather than misread.
 */
export const DENSE_FEATURE_NAMES = [
  'log_chars',
  'log_tokens',
  'digit_ratio',
  'upper_ratio',
  'punct_ratio',
  'log_lines',
  'log_code_markers',
  'log_math_markers',
  'log_choice_markers',
  'log_question_marks',
  'mean_word_length',
  'non_ascii_ratio',
  'log_numbers',
  'indented_line_ratio',
] as const;

const CODE_MARKERS =
  /```|\bdef\s|\breturn\b|\bimport\s|\bfunction\b|=>|\bclass\s|#include|\bprint\(|\bself\.|\bconst\s|\bfor\s*\(/g;
const MATH_MARKERS =
  /\\(?:frac|sqrt|times|cdot|pi|le|ge|sum|int|left|right)\b|\$[^$\n]{1,80}\$|\d\s*[-+*/^=<>]\s*\(?\d/g;
/** "A)", "(B)", "C." or "D:" opening an option, as in multiple-choice questions. */
const CHOICE_MARKERS = /(?:^|[\s(])[A-J][).:](?=\s)/gm;

function countMatches(pattern: RegExp, text: string): number {
  pattern.lastIndex = 0;
  let count = 0;
  while (pattern.exec(text) !== null) count++;
  return count;
}

/** Per-character tallies in one pass (ASCII classes; anything above 0x7f is non-ASCII). */
interface CharTallies {
  digits: number;
  upper: number;
  letters: number;
  punct: number;
  newlines: number;
  nonAscii: number;
  questions: number;
  braces: number;
  indented: number;
}

function tallyChars(text: string): CharTallies {
  const t: CharTallies = {
    digits: 0,
    upper: 0,
    letters: 0,
    punct: 0,
    newlines: 0,
    nonAscii: 0,
    questions: 0,
    braces: 0,
    indented: 0,
  };
  let lineStart = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (lineStart && (c === 0x20 || c === 0x09) && text.charCodeAt(i + 1) <= 0x20) t.indented++;
    lineStart = c === 0x0a;
    if (c >= 0x30 && c <= 0x39) t.digits++;
    else if (c >= 0x41 && c <= 0x5a) {
      t.upper++;
      t.letters++;
    } else if (c >= 0x61 && c <= 0x7a) t.letters++;
    else if (c === 0x0a) t.newlines++;
    else if (c >= 0x80) t.nonAscii++;
    else if (c > 0x20 && c < 0x7f) {
      t.punct++;
      if (c === 0x3f) t.questions++;
      else if (c === 0x7b || c === 0x7d || c === 0x3b) t.braces++;
    }
  }
  return t;
}

/**
 * Raw (unstandardised) dense features of `text` (already cut to the featurizer's length limit);
 * `fullLength` is the uncut length and `terms` the text's term tallies.
 */
export function rawDenseFeatures(
  text: string,
  fullLength: number,
  terms: TermCounts,
  out: Float64Array,
): Float64Array {
  const t = tallyChars(text);
  const chars = Math.max(text.length, 1);
  const lines = t.newlines + 1;
  out[0] = Math.log1p(fullLength);
  out[1] = Math.log1p(terms.tokens);
  out[2] = t.digits / chars;
  out[3] = t.letters === 0 ? 0 : t.upper / t.letters;
  out[4] = t.punct / chars;
  out[5] = Math.log(lines);
  out[6] = Math.log1p(countMatches(CODE_MARKERS, text) + t.braces);
  out[7] = Math.log1p(countMatches(MATH_MARKERS, text));
  out[8] = Math.log1p(countMatches(CHOICE_MARKERS, text));
  out[9] = Math.log1p(t.questions);
  out[10] = terms.words === 0 ? 0 : terms.wordChars / terms.words;
  out[11] = t.nonAscii / chars;
  out[12] = Math.log1p(terms.numbers);
  out[13] = t.indented / lines;
  return out;
}
