import { PiiDetector, redactMatches } from './pii.detector';
import { MAX_HELD_CHARS, PiiStreamRedactor } from './pii-stream.redactor';
import { PII_ENTITIES } from './pii.patterns';

const detector = new PiiDetector(PII_ENTITIES);
const redactWhole = (text: string): string => redactMatches(text, detector.find(text));

/** Streams `text` cut at `cuts` and returns what was released, piece by piece. */
function stream(text: string, cuts: readonly number[]): string[] {
  const redactor = new PiiStreamRedactor(detector);
  const pieces: string[] = [];
  let at = 0;
  for (const cut of [...cuts].sort((a, b) => a - b)) {
    pieces.push(redactor.push(text.slice(at, cut)).text);
    at = cut;
  }
  pieces.push(redactor.push(text.slice(at)).text, redactor.flush().text);
  return pieces;
}

/** A small deterministic PRNG, so a failing case can be replayed from its seed. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const TEXTS = [
  'Reach me at jane.doe@example.com or (415) 555-2671; card 4111 1111 1111 1111.',
  'SSN 123-45-6789, server 192.168.10.20 and 2001:db8:85a3::8a2e:370:7334 — thanks! 👋',
  'Version 1.2.3.4 ships on 2024-01-15. Ping +14155552671 or ops@corp.example.org.',
  'Amex 378282246310005 then 4111-1111-1111-1111 and bob@x.io',
];

describe(PiiStreamRedactor.name, () => {
  it.each(TEXTS.map((text, i) => [i, text] as const))(
    'yields the fully redacted text of text %i for any split points (property)',
    (_i, text) => {
      const random = prng(text.length);
      const expected = redactWhole(text);
      for (let run = 0; run < 300; run++) {
        const count = 1 + Math.floor(random() * 12);
        const cuts = Array.from({ length: count }, () => Math.floor(random() * (text.length + 1)));
        expect({ cuts, out: stream(text, cuts).join('') }).toEqual({ cuts, out: expected });
      }
    },
  );

  it('redacts an email split in three chunks and a card split in four', () => {
    const pieces = stream(
      'mail jane.doe@example.com ok. card 4111 1111 1111 1111 end',
      [9, 18, 33, 38, 43, 48],
    );
    expect(pieces.join('')).toBe('mail [REDACTED_EMAIL] ok. card [REDACTED_CREDIT_CARD] end');
    // No piece ever carries a fragment of either.
    for (const piece of pieces) expect(piece).not.toMatch(/jane|example|4111/);
  });

  it('releases plain text as it comes, holding only a possible entity start', () => {
    const redactor = new PiiStreamRedactor(detector);
    expect(redactor.push('Hello there, how are').text).toBe('Hello there, how ');
    expect(redactor.held).toBe('are'.length);
    expect(redactor.push(' you').text).toBe('are ');
    expect(redactor.push('?').text).toBe('you?');
    expect(redactor.flush().text).toBe('');
  });

  it('never holds more than the bound, except a whole entity reaching into it', () => {
    const redactor = new PiiStreamRedactor(detector);
    redactor.push('x'.repeat(500));
    expect(redactor.held).toBe(MAX_HELD_CHARS);
    const long = new PiiStreamRedactor(detector);
    long.push(`see ${'a'.repeat(60)}@example.com`);
    expect(long.held).toBe(60 + '@example.com'.length);
  });

  it('reports the entities of what it releases', () => {
    const redactor = new PiiStreamRedactor(detector);
    expect(redactor.push('ip 10.1.2.3 and').entities).toEqual(['ip']);
    expect(redactor.push(' a@b.io').entities).toEqual([]);
    expect(redactor.flush().entities).toEqual(['email']);
  });

  it('does not split a surrogate pair', () => {
    const redactor = new PiiStreamRedactor(detector);
    const out = [redactor.push('hi 👋').text, redactor.flush().text];
    expect(out.join('')).toBe('hi 👋');
    for (const piece of out) expect(() => encodeURIComponent(piece)).not.toThrow();
  });
});
