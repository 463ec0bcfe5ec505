/** How a text too long for one guard call is cut into windows judged one by one. */
export interface WindowShape {
  /** Most characters (UTF-16 code units) in a window. */
  readonly size: number;
  /** Fewest characters a window repeats from the end of the one before it. */
  readonly overlap: number;
  /** How far back from a cut a whitespace is looked for, to cut after it rather than in a word. */
  readonly near: number;
}

const WHITESPACE = /\s/;

/**
 * `text` cut into windows of at most `shape.size` characters, in order. Each window starts at
 * least `shape.overlap` characters before the previous one ended, so any phrase of up to
 * `overlap` characters lies whole in one window. A cut falls just after a whitespace within
 * `shape.near` characters before where it would be, else where it would be (a word longer than
 * that is cut), never inside a surrogate pair. A text that fits is one window, itself.
 * @returns undefined when the text needs more than `maxWindows` windows.
 */
export function textWindows(
  text: string,
  shape: WindowShape,
  maxWindows: number,
): string[] | undefined {
  const { size, overlap, near } = shape;
  // Each window must end past where the next one starts, or the split would never end.
  if (overlap < 0 || near < 0 || size <= overlap + 2 * near + 2) {
    throw new RangeError(`window shape ${JSON.stringify(shape)} cannot make progress`);
  }
  const windows: string[] = [];
  let start = 0;
  while (text.length - start > size) {
    if (windows.length >= maxWindows) return undefined;
    const end = cutBefore(text, start + size, near);
    windows.push(text.slice(start, end));
    start = cutBefore(text, end - overlap, near);
  }
  if (windows.length >= maxWindows) return undefined;
  windows.push(text.slice(start));
  return windows;
}

/** A cut at or before `at`: just after the nearest whitespace within `near`, else at `at`. */
function cutBefore(text: string, at: number, near: number): number {
  for (let cut = at; cut > Math.max(at - near, 0); cut--) {
    if (WHITESPACE.test(text[cut - 1]!)) return cut;
  }
  return splitsPair(text, at) ? at - 1 : at;
}

/** Whether a cut at `at` falls between the two halves of a surrogate pair (an emoji, a rare CJK). */
function splitsPair(text: string, at: number): boolean {
  const high = text.charCodeAt(at - 1);
  const low = text.charCodeAt(at);
  return high >= 0xd800 && high <= 0xdbff && low >= 0xdc00 && low <= 0xdfff;
}
