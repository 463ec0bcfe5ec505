import { redactMatches, type PiiDetector } from './pii.detector';
import type { PiiEntity } from './pii.patterns';

/** A text with its PII replaced by labels, and the entities found. */
export interface RedactedText {
  readonly text: string;
  readonly entities: readonly PiiEntity[];
}

/**
 * The string and number tokens of a valid JSON text. Scanned from its start, a quote always opens
 * a string token, so digits inside strings are never read as numbers.
 */
const JSON_TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

function isJsonText(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

/** `text` redacted as plain text. */
export function redactPlain(detector: PiiDetector, text: string): RedactedText {
  const matches = detector.find(text);
  if (matches.length === 0) return { text, entities: [] };
  return { text: redactMatches(text, matches), entities: matches.map((match) => match.entity) };
}

/**
 * `text` redacted so that valid JSON stays valid JSON (tool-call arguments, tool results): each
 * string, keys included, is checked decoded (`\u0040` is an `@`, an escape never joins a match)
 * and written back JSON-encoded; a number that is PII (a card number) becomes its label, as a
 * string. Everything else keeps its bytes: formatting, key order, duplicate keys, big numbers.
 * A text that is not JSON is redacted as plain text.
 */
export function redactJsonText(detector: PiiDetector, text: string): RedactedText {
  if (!isJsonText(text)) return redactPlain(detector, text);
  const entities: PiiEntity[] = [];
  let out = '';
  let at = 0;
  for (const token of text.matchAll(JSON_TOKEN)) {
    const raw = token[0];
    const value = raw.startsWith('"') ? (JSON.parse(raw) as string) : raw;
    const matches = detector.find(value);
    if (matches.length === 0) continue;
    for (const match of matches) entities.push(match.entity);
    out += text.slice(at, token.index) + JSON.stringify(redactMatches(value, matches));
    at = token.index + raw.length;
  }
  return at === 0 ? { text, entities } : { text: out + text.slice(at), entities };
}
