import { textWindows, type WindowShape } from './llamaguard.windows';

/** Where each window sits in `text`: windows are slices at increasing starts. */
function layout(text: string, windows: readonly string[]): Array<[number, number]> {
  let from = 0;
  return windows.map((window) => {
    const start = text.indexOf(window, from);
    expect(start).toBeGreaterThanOrEqual(0);
    from = start + 1;
    return [start, start + window.length];
  });
}

/** A deterministic text of random words (some long, some emoji) split by assorted whitespace. */
function words(seed: number, length: number): string {
  let state = seed;
  const random = (below: number): number => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state % below;
  };
  const parts: string[] = [];
  let size = 0;
  while (size < length) {
    const letters = random(10) === 0 ? 40 : 1 + random(9);
    const word = Array.from({ length: letters }, () =>
      random(15) === 0 ? '😀' : String.fromCharCode(97 + random(26)),
    ).join('');
    const part = word + [' ', ' ', ' ', '\n', '\t'][random(5)]!;
    parts.push(part);
    size += part.length;
  }
  return parts.join('');
}

const isSpace = (char: string | undefined): boolean => char !== undefined && /\s/.test(char);
const isLowSurrogate = (text: string, at: number): boolean =>
  text.charCodeAt(at) >= 0xdc00 && text.charCodeAt(at) <= 0xdfff;

describe('textWindows', () => {
  const shape: WindowShape = { size: 24, overlap: 6, near: 6 };

  it('keeps a text that fits whole, as one window', () => {
    expect(textWindows('', shape, 1)).toEqual(['']);
    expect(textWindows('x'.repeat(24), shape, 1)).toEqual(['x'.repeat(24)]);
  });

  it('cuts just after a near whitespace, each window repeating the end of the one before', () => {
    const text = 'The quick brown fox jumps over the lazy dog and runs far away';
    expect(textWindows(text, shape, 10)).toEqual([
      'The quick brown fox ',
      'brown fox jumps over ',
      'jumps over the lazy dog ',
      'lazy dog and runs far ',
      'runs far away',
    ]);
  });

  it('cuts a word longer than a window where the window ends, overlapping by `overlap`', () => {
    const text = 'abcdefghijklmnopqrstuvwxyz';
    expect(textWindows(text, { size: 10, overlap: 3, near: 2 }, 10)).toEqual([
      'abcdefghij',
      'hijklmnopq',
      'opqrstuvwx',
      'vwxyz',
    ]);
  });

  it('never cuts a surrogate pair in two', () => {
    const text = '😀'.repeat(12);
    const windows = textWindows(text, { size: 9, overlap: 2, near: 2 }, 10);
    expect(windows).toEqual(['😀😀😀😀', '😀😀😀😀', '😀😀😀😀', '😀😀😀']);
  });

  it('cuts text without whitespace (CJK) at the window size', () => {
    const text = '漢字かな'.repeat(10);
    const windows = textWindows(text, { size: 16, overlap: 4, near: 4 }, 10)!;
    expect(windows.map((window) => window.length)).toEqual([16, 16, 16]);
    expect(windows[1]!.startsWith(windows[0]!.slice(-4))).toBe(true);
  });

  it('gives up past `maxWindows`, and takes exactly as many as needed', () => {
    const text = 'abcdefghijklmnopqrstuvwxyz';
    const tight = { size: 10, overlap: 3, near: 2 };
    expect(textWindows(text, tight, 4)).toHaveLength(4);
    expect(textWindows(text, tight, 3)).toBeUndefined();
    expect(textWindows(text, tight, 1)).toBeUndefined();
    expect(textWindows('short', tight, 1)).toEqual(['short']);
  });

  it('refuses a shape whose windows could not move forward', () => {
    expect(() => textWindows('x'.repeat(100), { size: 10, overlap: 4, near: 2 }, 10)).toThrow(
      RangeError,
    );
  });

  it.each([
    [1, { size: 24, overlap: 6, near: 6 }],
    [2, { size: 60, overlap: 12, near: 10 }],
    [3, { size: 200, overlap: 40, near: 30 }],
    [4, { size: 33, overlap: 5, near: 0 }],
  ])('covers every text whole (seed %i, %j)', (seed, windowShape: WindowShape) => {
    const text = words(seed, 3000);
    const windows = textWindows(text, windowShape, 1000)!;
    const at = layout(text, windows);
    expect(at[0]![0]).toBe(0);
    expect(at[at.length - 1]![1]).toBe(text.length);
    at.forEach(([start, end], index) => {
      expect(end - start).toBeLessThanOrEqual(windowShape.size);
      expect(isLowSurrogate(text, start) || isLowSurrogate(text, end)).toBe(false);
      const next = at[index + 1];
      if (next === undefined) return;
      // The next window starts at least `overlap` before this one ends, but after it started.
      expect(next[0]).toBeGreaterThan(start);
      expect(next[0]).toBeLessThanOrEqual(end - windowShape.overlap);
      // Cut just after the last whitespace within `near` of the nominal cut, when there is one.
      const nominal = start + windowShape.size;
      const near = text.slice(nominal - windowShape.near, nominal);
      if (/\s/.test(near)) {
        expect(isSpace(text[end - 1])).toBe(true);
        expect(/\s/.test(text.slice(end, nominal))).toBe(false);
      }
    });
    // Every phrase of `overlap` characters lies whole in some window.
    for (let from = 0; from + windowShape.overlap <= text.length; from++) {
      const to = from + windowShape.overlap;
      expect(at.some(([start, end]) => start <= from && to <= end)).toBe(true);
    }
  });
});
