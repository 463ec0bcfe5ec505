import { redactMatches, type PiiDetector } from './pii.detector';
import type { PiiEntity, PiiMatch } from './pii.patterns';

/** Most characters held back at once: longer entities split across chunks may slip through. */
export const MAX_HELD_CHARS = 64;
/** Released characters kept for the patterns' look-behind checks (`version 1.2.3.4`). */
const CONTEXT_CHARS = 16;

/** What may be written now (redacted), and the entities it had. */
export interface Released {
  readonly text: string;
  readonly entities: readonly PiiEntity[];
}

/**
 * One streamed text (one choice of a stream). Each piece is released up to the point where no
 * entity can still be completed by text yet to come; the rest is held back (at most
 * `MAX_HELD_CHARS`, or a whole entity that reaches into it) until more text or the end arrives.
 */
export class PiiStreamRedactor {
  private pending = '';
  private context = '';

  constructor(private readonly detector: PiiDetector) {}

  get held(): number {
    return this.pending.length;
  }

  push(text: string): Released {
    this.pending += text;
    const matches = this.pendingMatches();
    let cut = this.pending.length - this.detector.openTail(this.pending, MAX_HELD_CHARS);
    // Never split a surrogate pair between two chunks (entities are ASCII: no pair ends at one).
    if (cut > 0 && isHighSurrogate(this.pending.charCodeAt(cut - 1))) cut--;
    for (const match of matches) if (match.end > cut) cut = Math.min(cut, match.start);
    return this.release(
      cut,
      matches.filter((match) => match.end <= cut),
    );
  }

  /** Releases everything held: the stream (or this choice) ended. */
  flush(): Released {
    return this.release(this.pending.length, this.pendingMatches());
  }

  /** Matches in the held text (offsets into it), found with the released context before it. */
  private pendingMatches(): PiiMatch[] {
    const offset = this.context.length;
    const found = this.detector.find(this.context + this.pending);
    return found
      .filter((match) => match.end > offset)
      .map((match) => ({
        entity: match.entity,
        // An entity longer than the hold began in text already released: mask what is left.
        start: Math.max(0, match.start - offset),
        end: match.end - offset,
      }));
  }

  private release(cut: number, matches: readonly PiiMatch[]): Released {
    const raw = this.pending.slice(0, cut);
    this.pending = this.pending.slice(cut);
    this.context = (this.context + raw).slice(-CONTEXT_CHARS);
    const entities = [...new Set(matches.map((match) => match.entity))];
    return { text: redactMatches(raw, matches), entities };
  }
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
