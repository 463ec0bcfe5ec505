import { PiiDetector } from './pii.detector';
import { redactJsonText, redactPlain } from './pii-arguments';
import { PII_ENTITIES } from './pii.patterns';

const detector = new PiiDetector(PII_ENTITIES);
const redact = (text: string) => redactJsonText(detector, text);

describe('redactJsonText', () => {
  it('redacts string values and keys, and the result parses to the redacted value', () => {
    const args = JSON.stringify({
      to: 'jane.doe@example.com',
      cc: ['ops@corp.io', 'nobody'],
      'bob@x.io': { ssn: '123-45-6789', note: 'call +14155552671 today' },
    });
    const out = redact(args);
    expect(JSON.parse(out.text)).toEqual({
      to: '[REDACTED_EMAIL]',
      cc: ['[REDACTED_EMAIL]', 'nobody'],
      '[REDACTED_EMAIL]': { ssn: '[REDACTED_SSN]', note: 'call [REDACTED_PHONE] today' },
    });
    expect(new Set(out.entities)).toEqual(new Set(['email', 'ssn', 'phone']));
  });

  it('reads strings decoded, so an escape never joins or hides a match', () => {
    // `\n` before an email: on the raw text the match would start at the `n` and cut the escape.
    const escaped =
      '{"body":"Hi,\\nbob@corp.io\\tthanks","to":"a\\u0040b.io","q":"say \\"x@y.io\\""}';
    const out = redact(escaped);
    expect(JSON.parse(out.text)).toEqual({
      body: 'Hi,\n[REDACTED_EMAIL]\tthanks',
      to: '[REDACTED_EMAIL]',
      q: 'say "[REDACTED_EMAIL]"',
    });
  });

  it('keeps every byte of what it does not redact: spacing, order, duplicate keys, big numbers', () => {
    const args =
      '{ "id": 12345678901234567890, "a": 1, "a": "x@y.io",\n  "ok": [true, null, 1.5e3] }';
    expect(redact(args).text).toBe(
      '{ "id": 12345678901234567890, "a": 1, "a": "[REDACTED_EMAIL]",\n  "ok": [true, null, 1.5e3] }',
    );
    const clean = '{"city":"Oslo","days":3}';
    expect(redact(clean)).toEqual({ text: clean, entities: [] });
  });

  it('turns a number that is PII (a card number) into its label, as a JSON string', () => {
    const out = redact('{"card":4111111111111111,"qty":2}');
    expect(out.text).toBe('{"card":"[REDACTED_CREDIT_CARD]","qty":2}');
    expect(JSON.parse(out.text)).toEqual({ card: '[REDACTED_CREDIT_CARD]', qty: 2 });
  });

  it('redacts a top-level JSON string, and text that is not JSON as plain text', () => {
    expect(redact('"mail a@b.io"').text).toBe('"mail [REDACTED_EMAIL]"');
    expect(redact('{"to": "a@b.io", "cut')).toEqual({
      text: '{"to": "[REDACTED_EMAIL]", "cut',
      entities: ['email'],
    });
    expect(redact('SSN 123-45-6789')).toEqual(redactPlain(detector, 'SSN 123-45-6789'));
    expect(redact('')).toEqual({ text: '', entities: [] });
  });

  it('yields valid JSON whose strings are the plain redaction of the originals (property)', () => {
    // Whole escapes and PII side by side, so that matches sit right against escapes.
    const pieces = ['a@b.io', '\\n', '\\"', '\\\\', '\\u0040', '415-555-2671', ' ', 'x', 'é'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const plain = (text: string) => redactPlain(detector, text).text;
    for (let run = 0; run < 300; run++) {
      const [key, value, item] = Array.from({ length: 3 }, () =>
        Array.from(
          { length: 1 + Math.floor(next() * 6) },
          () => pieces[Math.floor(next() * pieces.length)],
        ).join(''),
      );
      const args = `{"${key}":"${value}","list":["${item}",4111111111111111]}`;
      const original = JSON.parse(args) as Record<string, unknown>;
      const decoded = Object.keys(original)[0]!;
      const out = redact(args).text;
      expect({ args, parsed: JSON.parse(out) as unknown }).toEqual({
        args,
        parsed: {
          [plain(decoded)]: plain(original[decoded] as string),
          list: [plain((original.list as string[])[0]!), '[REDACTED_CREDIT_CARD]'],
        },
      });
    }
  });
});
