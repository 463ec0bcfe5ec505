import {
  jsonStringBody,
  writeJsonPlain,
  type PiecewiseText,
  type TextPiece,
  type TextSink,
} from '../spans/piecewise-text';
import type { ProtoBufferWriter } from './proto-buffer.writer';

// Tags of opentelemetry-proto common/v1 KeyValue.value and AnyValue.string_value.
const KEY_VALUE_VALUE = 0x12;
const ANY_STRING = 0x0a;

/** Writes piecewise text into the writer it is pointed at (one at a time: the encoder's). */
class WriterTextSink implements TextSink {
  w: ProtoBufferWriter | undefined;

  piece(piece: TextPiece): void {
    this.w!.raw(piece.utf8);
  }

  text(text: string): void {
    this.w!.rawText(text);
  }

  bytes(utf8: Uint8Array): void {
    this.w!.raw(utf8);
  }

  /**
   * Printable ASCII but `"` and `\` is copied as it is, in one pass that checks as it copies;
   * anything else is escaped as JSON.stringify does, written over what the pass had copied.
   */
  escaped(text: string): void {
    const w = this.w!;
    const value = `${text}`; // one representation for `.length` (see ProtoBufferWriter)
    w.ensure(value.length);
    if (writeJsonPlain(w.buf, w.pos, value)) w.pos += value.length;
    else w.rawText(jsonStringBody(value));
  }
}

const textSink = new WriterTextSink();
/** Length prefixes reserved for a piecewise value (a decision record takes two bytes). */
const TEXT_RESERVE = 2;

/** A `KeyValue` under `tag` whose value is a string written from its pieces. */
export function writeTextKeyValue(
  w: ProtoBufferWriter,
  key: string,
  text: PiecewiseText,
  tag: number,
): void {
  w.byte(tag);
  const start = w.begin(TEXT_RESERVE);
  w.key(key);
  w.byte(KEY_VALUE_VALUE);
  const valueStart = w.begin(TEXT_RESERVE);
  w.byte(ANY_STRING);
  const stringStart = w.begin(TEXT_RESERVE);
  textSink.w = w;
  try {
    text.writeTo(textSink);
  } finally {
    textSink.w = undefined;
  }
  w.end(stringStart, TEXT_RESERVE);
  w.end(valueStart, TEXT_RESERVE);
  w.end(start, TEXT_RESERVE);
}
