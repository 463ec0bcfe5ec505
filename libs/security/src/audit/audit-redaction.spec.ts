import {
  clipText,
  MAX_AUDIT_METADATA_CHARS,
  maskActorId,
  sanitizeAuditMetadata,
} from './audit-redaction';

describe('maskActorId', () => {
  it('keeps the first 6 and last 4 characters of long ids', () => {
    expect(maskActorId('key-0123456789ab')).toBe('key-01…89ab');
    expect(maskActorId('sk-live-ABCDEFGHIJKLMNOPQRSTUVWXYZ')).toBe('sk-liv…WXYZ');
  });

  it('reveals less of short ids and nothing of tiny ones', () => {
    expect(maskActorId('abcdefghijk')).toBe('ab…jk');
    expect(maskActorId('abcdefg')).toBe('…');
    expect(maskActorId('')).toBe('…');
  });
});

describe('clipText', () => {
  it('scrubs secrets, then cuts to the limit', () => {
    expect(clipText('auth Bearer abcdefghijklmnop failed', 100)).toBe(
      'auth Bearer [REDACTED] failed',
    );
    expect(clipText('x'.repeat(20), 5)).toBe('xxxxx');
    expect(clipText(null, 5)).toBeNull();
    expect(clipText(undefined, 5)).toBeNull();
  });
});

describe('sanitizeAuditMetadata', () => {
  it('drops secret-like and body-like keys at every depth', () => {
    expect(
      sanitizeAuditMetadata({
        key: 'k',
        api_key: 'k',
        keyAlias: 'alias',
        access_token: 't',
        clientSecret: 's',
        PASSWORD: 'p',
        authorization: 'a',
        Cookie: 'c',
        body: { a: 1 },
        requestBody: 'x',
        messages: [],
        prompt: 'p',
        models: ['gpt-4o'],
        nested: { refresh_token: 'r', team_id: 't1' },
      }),
    ).toEqual({ models: ['gpt-4o'], nested: { team_id: 't1' } });
  });

  it('keeps JSON values only and scrubs strings', () => {
    expect(
      sanitizeAuditMetadata({
        count: 3,
        ratio: Number.NaN,
        flag: false,
        none: null,
        missing: undefined,
        big: 10n,
        when: new Date('2025-11-28T10:00:00.000Z'),
        fn: () => 1,
        buffer: Buffer.from('bytes'),
        map: new Map([['a', 1]]),
        list: [1, 'sk-abcdefghijklmnop', undefined, { ok: true }],
        text: 'x'.repeat(300),
      }),
    ).toEqual({
      count: 3,
      flag: false,
      none: null,
      big: '10',
      when: '2025-11-28T10:00:00.000Z',
      list: [1, 'sk-[REDACTED]', { ok: true }],
      text: 'x'.repeat(256),
    });
  });

  it('bounds depth, width and total size', () => {
    expect(sanitizeAuditMetadata({ a: { b: { c: { d: { e: 1 } } } } })).toEqual({
      a: { b: { c: {} } },
    });
    const wide = Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`f${i}`, i]));
    expect(Object.keys(sanitizeAuditMetadata(wide))).toHaveLength(32);
    const large = Object.fromEntries(
      Array.from({ length: 30 }, (_, i) => [`f${i}`, 'y'.repeat(200)]),
    );
    expect(JSON.stringify(large).length).toBeGreaterThan(MAX_AUDIT_METADATA_CHARS);
    expect(sanitizeAuditMetadata(large)).toEqual({ truncated: true });
    expect(sanitizeAuditMetadata(undefined)).toEqual({});
  });
});
