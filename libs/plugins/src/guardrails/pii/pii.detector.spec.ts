import { PiiDetector, entitiesOf, redactMatches } from './pii.detector';
import { luhnValid, PII_ENTITIES, type PiiEntity } from './pii.patterns';

const all = new PiiDetector(PII_ENTITIES);
const found = (text: string, detector = all): Array<[PiiEntity, string]> =>
  detector.find(text).map((m) => [m.entity, text.slice(m.start, m.end)]);
const redact = (text: string, detector = all): string => redactMatches(text, detector.find(text));

describe(PiiDetector.name, () => {
  it.each([
    ['mail me at jane.doe+ci@example.co.uk today', 'jane.doe+ci@example.co.uk'],
    ['<bob_99@mail-server.example.com>', 'bob_99@mail-server.example.com'],
  ])('finds the email in %j', (text, email) => {
    expect(found(text)).toEqual([['email', email]]);
  });

  it.each([
    ['call +14155552671 now', '+14155552671'],
    ['(415) 555-2671', '(415) 555-2671'],
    ['415-555-2671', '415-555-2671'],
    ['415.555.2671', '415.555.2671'],
    ['+1 415 555 2671', '+1 415 555 2671'],
    ['1-415-555-2671', '1-415-555-2671'],
    ['uk: +442071838750.', '+442071838750'],
  ])('finds the phone number in %j', (text, phone) => {
    expect(found(text)).toEqual([['phone', phone]]);
  });

  it.each([
    'released on 2024-01-15',
    'on 2024.01.15 at 10:30:45',
    'due 12/25/2024',
    'call 555-0100',
    'order 0123-456-7890',
    'build 1234567890',
  ])('finds no phone number in %j', (text) => {
    expect(found(text)).toEqual([]);
  });

  it('finds SSNs outside the never-issued ranges', () => {
    expect(found('ssn 123-45-6789, alt 123 45 6789')).toEqual([
      ['ssn', '123-45-6789'],
      ['ssn', '123 45 6789'],
    ]);
    for (const invalid of [
      '000-12-3456',
      '666-12-3456',
      '900-12-3456',
      '123-00-4567',
      '123-45-0000',
    ]) {
      expect(found(`ssn ${invalid}`)).toEqual([]);
    }
    expect(found('mixed 123-45 6789 and part of 1-123-45-6789-0')).toEqual([]);
  });

  it('finds Luhn-valid card numbers of 13 to 19 digits, with spaces or dashes', () => {
    expect(found('card 4111 1111 1111 1111 exp 12/29')).toEqual([
      ['credit_card', '4111 1111 1111 1111'],
    ]);
    expect(found('4111-1111-1111-1111')).toEqual([['credit_card', '4111-1111-1111-1111']]);
    expect(found('amex 378282246310005')).toEqual([['credit_card', '378282246310005']]);
    expect(found('visa13 4222222222222')).toEqual([['credit_card', '4222222222222']]);
    expect(found('ref 12 4111 1111 1111 1111')).toEqual([['credit_card', '4111 1111 1111 1111']]);
    expect(found('4111 1111 1111 1111 22')).toEqual([['credit_card', '4111 1111 1111 1111']]);
  });

  it('rejects card-shaped numbers that fail the Luhn check, or are too long or mixed', () => {
    expect(found('card 4111 1111 1111 1112')).toEqual([]);
    expect(found('id 12345678901234567890123')).toEqual([]);
    expect(found('4111-1111 1111-1111')).toEqual([]);
    expect(found('pi is 3.1415926535897932384')).toEqual([]);
  });

  it('finds IPv4 and IPv6 addresses, not version numbers', () => {
    expect(found('from 192.168.0.1 and 10.0.0.255.')).toEqual([
      ['ip', '192.168.0.1'],
      ['ip', '10.0.0.255'],
    ]);
    expect(found('host 2001:db8:85a3::8a2e:370:7334 and fe80::1ff:fe23:4567:890a.')).toEqual([
      ['ip', '2001:db8:85a3::8a2e:370:7334'],
      ['ip', 'fe80::1ff:fe23:4567:890a'],
    ]);
    for (const text of [
      'version 1.2.3.4',
      'v1.2.3.4',
      'release 10.0.19041.1',
      'os 1.2.3.4.5',
      '999.1.1.1',
      'at 10:30:45',
      'std::vector',
      'loopback ::1',
    ]) {
      expect(found(text)).toEqual([]);
    }
  });

  it('finds only the enabled entities', () => {
    const emails = new PiiDetector(['email']);
    expect(found('a@b.io 415-555-2671 192.168.0.1', emails)).toEqual([['email', 'a@b.io']]);
  });

  it('redacts every match with its label and lists the entities found', () => {
    const text = 'Email jane@example.com, card 4111111111111111, ip 8.8.8.8, ssn 123-45-6789';
    expect(redact(text)).toBe(
      'Email [REDACTED_EMAIL], card [REDACTED_CREDIT_CARD], ip [REDACTED_IP], ssn [REDACTED_SSN]',
    );
    expect(entitiesOf(all.find(text))).toEqual(['credit_card', 'email', 'ip', 'ssn']);
    expect(redact('nothing here')).toBe('nothing here');
  });

  it('measures the tail that more text could turn into an entity', () => {
    expect(all.openTail('write to jane.doe@exa', 64)).toBe('jane.doe@exa'.length);
    expect(all.openTail('card 4111 1111', 64)).toBe(' 4111 1111'.length);
    expect(all.openTail('Hello world.', 64)).toBe('world.'.length);
    expect(all.openTail('x'.repeat(100), 64)).toBe(64);
  });

  it('scans long texts without catastrophic backtracking', () => {
    const text = `${'a'.repeat(50_000)} ${'1-'.repeat(20_000)} ${':'.repeat(20_000)}x`;
    const started = Date.now();
    expect(all.find(text)).toEqual([]);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('luhnValid', () => {
  it('accepts valid numbers and rejects others', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('79927398713')).toBe(true);
    expect(luhnValid('79927398710')).toBe(false);
  });
});
