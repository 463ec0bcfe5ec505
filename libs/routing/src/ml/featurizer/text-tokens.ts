/**
 * Word tokenizer of the hashed featurizer: letter runs (Unicode letters, marks, `_`), number runs
 * (Unicode digits, with inner `.` or `,` between digits), and every other non-space code point as
 * a one-symbol token, so code and maths punctuation count too. A hand-written scanner: a regex
 * with Unicode classes was the slowest step of featurizing a long prompt.
 */

export const SPACE = 0;
export const WORD = 1;
export const NUMBER = 2;
export const SYMBOL = 3;
const UNKNOWN = 255;

const LETTER = /^[\p{L}\p{M}_]$/u;
const NUMERAL = /^\p{N}$/u;
const WHITESPACE = /^\s$/u;

const ASCII = new Uint8Array(128).fill(SYMBOL);
for (let c = 0; c <= 0x20; c++) ASCII[c] = /\s/.test(String.fromCharCode(c)) ? SPACE : SYMBOL;
for (let c = 0x30; c <= 0x39; c++) ASCII[c] = NUMBER;
for (let c = 0x41; c <= 0x5a; c++) ASCII[c] = WORD;
for (let c = 0x61; c <= 0x7a; c++) ASCII[c] = WORD;
ASCII[0x5f] = WORD;

/** Class of each BMP code point, filled on first sight (the Unicode tests are the slow part). */
const BMP = new Uint8Array(0x10000).fill(UNKNOWN);

function classifyCodePoint(codePoint: number): number {
  const char = String.fromCodePoint(codePoint);
  if (LETTER.test(char)) return WORD;
  if (NUMERAL.test(char)) return NUMBER;
  return WHITESPACE.test(char) ? SPACE : SYMBOL;
}

function classOf(codePoint: number): number {
  if (codePoint < 0x80) return ASCII[codePoint]!;
  if (codePoint > 0xffff) return classifyCodePoint(codePoint);
  let known = BMP[codePoint]!;
  if (known === UNKNOWN) known = BMP[codePoint] = classifyCodePoint(codePoint);
  return known;
}

/** Iterates the tokens of one text: after `next()` returns true, `text[start, end)` is one. */
export class Tokenizer {
  start = 0;
  end = 0;
  kind = SPACE;
  private text = '';
  private position = 0;

  reset(text: string): void {
    this.text = text;
    this.position = 0;
  }

  next(): boolean {
    const text = this.text;
    const length = text.length;
    let i = this.position;
    let kind = SPACE;
    while (i < length) {
      const codePoint = text.codePointAt(i)!;
      kind = classOf(codePoint);
      if (kind !== SPACE) break;
      i += codePoint > 0xffff ? 2 : 1;
    }
    if (i >= length) return false;
    this.start = i;
    this.kind = kind;
    i += text.codePointAt(i)! > 0xffff ? 2 : 1;
    if (kind === WORD) i = this.skipRun(i, WORD);
    else if (kind === NUMBER) i = this.skipNumber(i);
    this.end = this.position = i;
    return true;
  }

  private skipRun(from: number, kind: number): number {
    const text = this.text;
    let i = from;
    while (i < text.length) {
      const codePoint = text.codePointAt(i)!;
      if (classOf(codePoint) !== kind) break;
      i += codePoint > 0xffff ? 2 : 1;
    }
    return i;
  }

  /** Digits, then any number of `.` or `,` each followed by more digits. */
  private skipNumber(from: number): number {
    const text = this.text;
    let i = this.skipRun(from, NUMBER);
    for (;;) {
      const separator = text.charCodeAt(i);
      if (separator !== 0x2e && separator !== 0x2c) return i;
      if (i + 1 >= text.length || classOf(text.codePointAt(i + 1)!) !== NUMBER) return i;
      i = this.skipRun(i + 1, NUMBER);
    }
  }
}
