/** One dispatched server-sent event. `event` is absent when the stream did not name one. */
export interface SseEvent {
  event?: string;
  data: string;
}

const LF = '\n';
const CR = '\r';

/** Accumulates fields of the event being read (WHATWG HTML, "Interpreting an event stream"). */
class SseEventBuilder {
  private data: string[] = [];
  private event: string | undefined;

  /** Applies one line; returns an event when the line is blank and completes one. */
  line(line: string): SseEvent | undefined {
    if (line.length === 0) return this.dispatch();
    if (line.charCodeAt(0) === 0x3a /* ':' comment */) return undefined;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.charCodeAt(0) === 0x20) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    // `id` and `retry` only matter to reconnecting browsers.
    return undefined;
  }

  dispatch(): SseEvent | undefined {
    const { data, event } = this;
    this.data = [];
    this.event = undefined;
    if (data.length === 0) return undefined;
    const joined = data.length === 1 ? (data[0] as string) : data.join(LF);
    return event === undefined || event === '' ? { data: joined } : { event, data: joined };
  }
}

/** Splits decoded text into lines (CRLF, LF or CR) across chunk boundaries, in linear time. */
class LineSplitter {
  private partial: string[] = [];
  private skipLeadingLf = false;

  *push(text: string): Generator<string> {
    if (text.length === 0) return;
    let start = 0;
    if (this.skipLeadingLf && text.charCodeAt(0) === 0x0a) start = 1;
    this.skipLeadingLf = false;
    let nextLf = text.indexOf(LF, start);
    let nextCr = text.indexOf(CR, start);
    while (nextLf !== -1 || nextCr !== -1) {
      const isCr = nextCr !== -1 && (nextLf === -1 || nextCr < nextLf);
      const end = isCr ? nextCr : nextLf;
      yield this.take(text.slice(start, end));
      start = end + 1;
      if (isCr) {
        if (start === text.length) this.skipLeadingLf = true;
        else if (text.charCodeAt(start) === 0x0a) start += 1;
        nextCr = text.indexOf(CR, start);
      }
      if (nextLf !== -1 && nextLf < start) nextLf = text.indexOf(LF, start);
    }
    if (start < text.length) this.partial.push(start === 0 ? text : text.slice(start));
  }

  /** The unterminated last line, if any. */
  flush(): string | undefined {
    return this.partial.length === 0 ? undefined : this.take('');
  }

  private take(tail: string): string {
    if (this.partial.length === 0) return tail;
    this.partial.push(tail);
    const line = this.partial.join('');
    this.partial = [];
    return line;
  }
}

/**
 * Decodes a `text/event-stream` body into events. Chunk boundaries may fall anywhere, even inside a
 * UTF-8 sequence or between CR and LF. One deliberate leniency over the spec: an event left
 * unterminated when the body ends is still dispatched, because some servers omit the final blank line.
 */
export async function* decodeSse(
  body: AsyncIterable<Buffer | Uint8Array>,
): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder('utf-8');
  const lines = new LineSplitter();
  const builder = new SseEventBuilder();
  for await (const chunk of body) {
    for (const line of lines.push(decoder.decode(chunk, { stream: true }))) {
      const event = builder.line(line);
      if (event) yield event;
    }
  }
  for (const line of lines.push(decoder.decode())) {
    const event = builder.line(line);
    if (event) yield event;
  }
  const last = lines.flush();
  if (last !== undefined) builder.line(last);
  const pending = builder.dispatch();
  if (pending) yield pending;
}
