import { resolveRequestId } from './request-id';

describe(resolveRequestId.name, () => {
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

  it('keeps a sane incoming id', () => {
    expect(resolveRequestId('req-123.abc:9_Z')).toBe('req-123.abc:9_Z');
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['with spaces', 'a b'],
    ['with a newline (log injection)', 'abc\ninjected'],
    ['too long', 'x'.repeat(129)],
    ['repeated header', ['a', 'b']],
  ])('replaces an id that is %s with a UUIDv4', (_name, incoming) => {
    expect(resolveRequestId(incoming)).toMatch(uuid);
  });

  it('gives every request a different id', () => {
    expect(resolveRequestId(undefined)).not.toBe(resolveRequestId(undefined));
  });
});
