import { CredentialCipher, CredentialCipherError } from './credential-cipher';

describe(CredentialCipher.name, () => {
  const cipher = new CredentialCipher('salt-key-one');

  it('seals a value so that it opens again, and never the same way twice', () => {
    const first = cipher.seal('sk-upstream-secret');
    const second = cipher.seal('sk-upstream-secret');

    expect(first).toMatch(/^enc:v1:[A-Za-z0-9_-]+$/);
    expect(first).not.toContain('sk-upstream-secret');
    expect(second).not.toBe(first);
    expect(cipher.open(first)).toBe('sk-upstream-secret');
    expect(cipher.open(cipher.seal('ünïcödé ✓'))).toBe('ünïcödé ✓');
    expect(CredentialCipher.isSealed(first)).toBe(true);
  });

  it('reads a value stored before encryption as it is', () => {
    expect(cipher.open('plain-legacy-token')).toBe('plain-legacy-token');
    expect(CredentialCipher.isSealed('plain-legacy-token')).toBe(false);
  });

  it('refuses a value sealed under another key, or altered, instead of returning garbage', () => {
    const sealed = cipher.seal('secret');
    expect(() => new CredentialCipher('salt-key-two').open(sealed)).toThrow(CredentialCipherError);
    // The second-to-last character always carries six bits of data; it is changed, whatever it is.
    const flipped = `${sealed.slice(0, -2)}${sealed.at(-2) === 'A' ? 'B' : 'A'}${sealed.slice(-1)}`;
    expect(() => cipher.open(flipped)).toThrow(CredentialCipherError);
    expect(() => cipher.open('enc:v1:c2hvcnQ')).toThrow(CredentialCipherError);
    expect(() => cipher.open(sealed)).not.toThrow();
  });

  it('seals header values one by one and leaves null and empty credentials alone', () => {
    const sealed = cipher.sealValues({ 'x-api-key': 'k1', 'x-tenant': 'acme' });
    expect(Object.keys(sealed)).toEqual(['x-api-key', 'x-tenant']);
    expect(Object.values(sealed).every(CredentialCipher.isSealed)).toBe(true);
    expect(cipher.openValues(sealed)).toEqual({ 'x-api-key': 'k1', 'x-tenant': 'acme' });
    expect(cipher.sealOptional(null)).toBeNull();
    expect(cipher.sealOptional('')).toBe('');
    expect(cipher.openOptional(null)).toBeNull();
  });
});
