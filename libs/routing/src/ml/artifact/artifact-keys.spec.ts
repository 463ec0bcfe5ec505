import { generateKeyPairSync, sign, verify } from 'node:crypto';
import {
  privateKeyFrom,
  publicKeyBase64,
  publicKeyFromBase64,
  publicKeyFromPem,
} from './artifact-keys';

describe('artifact keys', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const data = Buffer.from('payload');
  const signature = sign(null, data, privateKey);

  it('reads LLMROUTER_MODEL_PUBLIC_KEY_B64 as base64 of the SPKI DER', () => {
    const key = publicKeyFromBase64(publicKeyBase64(publicKey));
    expect(verify(null, data, key, signature)).toBe(true);
  });

  it('reads it as base64 of the raw 32-byte key too', () => {
    const raw = publicKey.export({ format: 'jwk' }).x!;
    const b64 = Buffer.from(raw, 'base64url').toString('base64');
    expect(verify(null, data, publicKeyFromBase64(b64), signature)).toBe(true);
  });

  it('refuses base64 that is not an Ed25519 public key', () => {
    expect(() => publicKeyFromBase64('not base64!')).toThrow('is not base64');
    expect(() => publicKeyFromBase64(Buffer.alloc(20).toString('base64'))).toThrow(
      'neither an SPKI DER public key nor a raw 32-byte Ed25519 key',
    );
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    const der = rsa.export({ format: 'der', type: 'spki' }).toString('base64');
    expect(() => publicKeyFromBase64(der)).toThrow('is a rsa key, not Ed25519');
  });

  it('reads a PEM public key and refuses a PEM private key', () => {
    const pem = publicKey.export({ format: 'pem', type: 'spki' }).toString();
    expect(verify(null, data, publicKeyFromPem(pem), signature)).toBe(true);
    const privatePem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(() => publicKeyFromPem(privatePem)).toThrow('holds a private key');
    expect(() => publicKeyFromPem('garbage')).toThrow('is not a PEM public key');
  });

  it('reads a private key as PEM, PKCS#8 DER, base64 DER or base64 raw seed', () => {
    const der = privateKey.export({ format: 'der', type: 'pkcs8' });
    const seed = Buffer.from(privateKey.export({ format: 'jwk' }).d!, 'base64url');
    const forms = [
      privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      der,
      der.toString('base64'),
      seed.toString('base64'),
    ];
    for (const form of forms) {
      expect(verify(null, data, publicKey, sign(null, data, privateKeyFrom(form)))).toBe(true);
    }
    expect(() => privateKeyFrom('nope')).toThrow('is not an Ed25519 private key');
  });
});
