import {
  PII_LABELS,
  PII_PATTERNS,
  PII_TAILS,
  type PiiEntity,
  type PiiMatch,
  type PiiPattern,
} from './pii.patterns';

/** Finds the enabled PII entities in a text: non-overlapping matches, in order. */
export class PiiDetector {
  private readonly patterns: readonly PiiPattern[];
  private readonly tails: readonly RegExp[];

  constructor(readonly entities: readonly PiiEntity[]) {
    const enabled = new Set(entities);
    this.patterns = PII_PATTERNS.filter((pattern) => enabled.has(pattern.entity));
    this.tails = [...enabled].map((entity) => PII_TAILS[entity]);
  }

  find(text: string): PiiMatch[] {
    const found: PiiMatch[] = [];
    for (const pattern of this.patterns) collect(pattern, text, found);
    found.sort((a, b) => a.start - b.start || b.end - a.end);
    const kept: PiiMatch[] = [];
    for (const match of found) {
      const last = kept[kept.length - 1];
      if (last === undefined || match.start >= last.end) kept.push(match);
    }
    return kept;
  }

  /**
   * How many characters at the end of `text` (at most `limit`) could be the start of an entity
   * that more text would complete.
   */
  openTail(text: string, limit: number): number {
    const window = text.slice(-limit);
    let longest = 0;
    for (const tail of this.tails) longest = Math.max(longest, tail.exec(window)?.[0].length ?? 0);
    return longest;
  }
}

function collect(pattern: PiiPattern, text: string, found: PiiMatch[]): void {
  const regex = new RegExp(pattern.regex.source, pattern.regex.flags);
  let hit: RegExpExecArray | null;
  while ((hit = regex.exec(text)) !== null) {
    const length = pattern.accept ? pattern.accept(hit[0], text, hit.index) : hit[0].length;
    if (length > 0) {
      found.push({ entity: pattern.entity, start: hit.index, end: hit.index + length });
      regex.lastIndex = hit.index + length;
    } else {
      // A rejected candidate may hide one that starts inside it (`ref 12 4111 1111 1111 1111`).
      regex.lastIndex = hit.index + 1;
    }
  }
}

/** `text` with each match replaced by its label, e.g. `[REDACTED_EMAIL]`. */
export function redactMatches(text: string, matches: readonly PiiMatch[]): string {
  if (matches.length === 0) return text;
  let out = '';
  let at = 0;
  for (const match of matches) {
    out += text.slice(at, match.start) + PII_LABELS[match.entity];
    at = match.end;
  }
  return out + text.slice(at);
}

/** The distinct entities of `matches`, in a stable order. */
export function entitiesOf(matches: readonly PiiMatch[]): PiiEntity[] {
  return [...new Set(matches.map((match) => match.entity))].sort();
}
