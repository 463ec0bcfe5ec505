import { StringDecoder } from 'node:string_decoder';

/** One server-sent event; `data` joins its data lines with `\n`. */
export interface SseEvent {
  readonly event?: string;
  readonly id?: string;
  readonly data: string;
}

/**
 * Splits an event stream into events as bytes arrive, whatever the chunk boundaries (a chunk may
 * end inside a line or inside a UTF-8 character). Comments and `retry` are dropped.
 */
export class SseParser {
  private readonly decoder = new StringDecoder('utf8');
  private pending = '';
  private data: string[] = [];
  private event: string | undefined;
  private id: string | undefined;
  /** A field line arrived since the last blank line. */
  private open = false;
  private endsAtLineBreak = true;

  /**
   * Whether the bytes pushed so far stop inside an event (inside a line, or after fields no blank
   * line closed yet): what a reader of the same bytes holds unfinished.
   */
  get midEvent(): boolean {
    // A lone `\r` held back (it may be half of `\r\n`) already ended a blank line, so the event.
    if (this.pending === '\r') return false;
    return this.open || this.pending !== '' || !this.endsAtLineBreak;
  }

  /** The events completed by `chunk`. */
  push(chunk: Buffer | string): SseEvent[] {
    if (chunk.length > 0) this.endsAtLineBreak = endsAtLineBreak(chunk);
    const text = this.pending + (typeof chunk === 'string' ? chunk : this.decoder.write(chunk));
    const lines = text.split(/\r\n|\r|\n/);
    // The last piece has no line ending yet (a trailing `\r` may still be half of `\r\n`).
    this.pending = lines.pop() ?? '';
    if (text.endsWith('\r')) this.pending = `${lines.pop() ?? ''}\r`;
    const events: SseEvent[] = [];
    for (const line of lines) {
      const event = this.line(line);
      if (event) events.push(event);
    }
    return events;
  }

  private line(line: string): SseEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    this.open = true;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id') this.id = value;
    return undefined;
  }

  private dispatch(): SseEvent | undefined {
    const data = this.data;
    const event = this.event;
    const id = this.id;
    this.data = [];
    this.event = undefined;
    this.open = false;
    if (data.length === 0) return undefined;
    return {
      data: data.join('\n'),
      ...(event !== undefined && { event }),
      ...(id !== undefined && { id }),
    };
  }
}

// A partial UTF-8 character at the end counts as inside a line: its line is not finished.
function endsAtLineBreak(chunk: Buffer | string): boolean {
  const last = typeof chunk === 'string' ? chunk.charCodeAt(chunk.length - 1) : chunk.at(-1);
  return last === 0x0a || last === 0x0d;
}

/** One event in wire form; `data` may span lines. */
export function formatSseEvent(event: SseEvent): string {
  const head =
    (event.event ? `event: ${event.event}\n` : '') + (event.id ? `id: ${event.id}\n` : '');
  return `${head}${event.data
    .split('\n')
    .map((line) => `data: ${line}`)
    .join('\n')}\n\n`;
}
