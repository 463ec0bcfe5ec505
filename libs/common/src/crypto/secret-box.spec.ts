import { SecretBox } from './secret-box';

const PURPOSE = { salt: 'test-purpose', prefix: 'tb1:' };

describe(SecretBox.name, () => {
  const box = new SecretBox('a shared secret', PURPOSE);

  it('seals with a random IV behind its prefix and opens what it sealed', () => {
    const first = box.seal('sk-upstream-123');
    const second = box.seal('sk-upstream-123');
    expect(first.startsWith('tb1:')).toBe(true);
    expect(first).not.toBe(second);
    expect(first).not.toContain('sk-upstream');
    expect(box.open(first)).toBe('sk-upstream-123');
    expect(box.holds(first)).toBe(true);
    expect(box.holds('sk-upstream-123')).toBe(false);
  });

  it('opens nothing sealed under another secret or for another purpose', () => {
    const sealed = box.seal('value');
    expect(new SecretBox('another secret', PURPOSE).open(sealed)).toBeUndefined();
    const other = new SecretBox('a shared secret', { salt: 'other-purpose', prefix: 'tb1:' });
    expect(other.open(sealed)).toBeUndefined();
  });

  it('binds associated data: the same scope opens, another does not, nor none', () => {
    const scope = Buffer.from('key-a|agent-1');
    const sealed = box.seal('cursor', scope);
    expect(box.open(sealed, Buffer.from('key-a|agent-1'))).toBe('cursor');
    expect(box.open(sealed, Buffer.from('key-b|agent-1'))).toBeUndefined();
    expect(box.open(sealed)).toBeUndefined();
  });

  it('refuses altered, truncated and foreign values', () => {
    const sealed = box.seal('value');
    const body = Buffer.from(sealed.slice(4), 'base64url');
    body.writeUInt8(body.readUInt8(body.length - 1) ^ 1, body.length - 1);
    expect(box.open(`tb1:${body.toString('base64url')}`)).toBeUndefined();
    expect(box.open('tb1:AAAA')).toBeUndefined();
    expect(box.open('tb1:')).toBeUndefined();
    expect(box.open(`xx1:${sealed.slice(4)}`)).toBeUndefined();
  });
});
