/** A piece of text that recurs, with its UTF-8 bytes made once. */
export class TextPiece {
  readonly utf8: Uint8Array;

  constructor(readonly text: string) {
    this.utf8 = Buffer.from(text, 'utf8');
  }
}

/** Where a {@link PiecewiseText} puts its text. */
export interface TextSink {
  /** A recurring piece (its bytes are copied). */
  piece(piece: TextPiece): void;
  /** A piece of this value only (a number, a fragment of JSON). */
  text(text: string): void;
  /**
   * A string of this value only (a request id, a time) as the inside of a JSON string: escaped
   * as `JSON.stringify` escapes it, without the quotes.
   */
  escaped(text: string): void;
  /** UTF-8 bytes of this value only (copied before the call returns: the caller reuses them). */
  bytes(utf8: Uint8Array): void;
}

// eslint-disable-next-line @typescript-eslint/unbound-method -- always called with .call(text, i)
const charCodeAt = String.prototype.charCodeAt;

/**
 * Writes `text` into `bytes` from `pos`, one byte a character, if it is the same text inside a
 * JSON string (printable ASCII but `"` and `\`); false where it stops otherwise, `bytes` written up
 * to there. Read through `.call` on a template copy: strings of many representations reach it
 * (see ProtoBufferWriter).
 */
export function writeJsonPlain(bytes: Uint8Array, pos: number, text: string): boolean {
  const value = `${text}`;
  for (let i = 0; i < value.length; i++) {
    const code = charCodeAt.call(value, i);
    if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c) return false;
    bytes[pos + i] = code;
  }
  return true;
}

/** `text` as `JSON.stringify` writes it, without the quotes. */
export function jsonStringBody(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}

/**
 * A string attribute value made of pieces, most of them recurring (a routing decision record's
 * names and its model group's part). The gateway's encoder writes the pieces straight into the
 * OTLP buffer, the recurring ones as the bytes they keep: no string is concatenated, flattened and
 * UTF-8 encoded per value (docs/performance.md "Tracing overhead", session 17). Spans of other
 * tracers get the same text as a string (`toString`).
 */
export abstract class PiecewiseText {
  /** Writes the pieces in order; what it reads must not change once the value is on a span. */
  abstract writeTo(sink: TextSink): void;

  toString(): string {
    const sink = new StringSink();
    this.writeTo(sink);
    return sink.value;
  }
}

class StringSink implements TextSink {
  value = '';

  piece(piece: TextPiece): void {
    this.value += piece.text;
  }

  text(text: string): void {
    this.value += text;
  }

  escaped(text: string): void {
    this.value += jsonStringBody(text);
  }

  bytes(utf8: Uint8Array): void {
    this.value += Buffer.from(utf8.buffer, utf8.byteOffset, utf8.byteLength).toString('utf8');
  }
}
