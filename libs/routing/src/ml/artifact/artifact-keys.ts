import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

// DER prefixes that turn a raw 32-byte Ed25519 key into SPKI (public) or PKCS#8 (private).
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * The Ed25519 public key from `LLMROUTER_MODEL_PUBLIC_KEY_B64`: base64 of the SPKI DER (what
 * `routeiq keygen` prints, 44 bytes) or of the raw 32-byte key.
 * @throws Error saying what is wrong (never echoing the value).
 */
export function publicKeyFromBase64(text: string): KeyObject {
  const compact = text.replace(/\s+/g, '');
  if (!BASE64.test(compact)) throw new Error('is not base64');
  const der = Buffer.from(compact, 'base64');
  const spki = der.length === 32 ? Buffer.concat([SPKI_ED25519_PREFIX, der]) : der;
  let key: KeyObject;
  try {
    key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  } catch {
    throw new Error('is neither an SPKI DER public key nor a raw 32-byte Ed25519 key');
  }
  return requireEd25519(key);
}

/**
 * The Ed25519 public key in a PEM file's text (`LLMROUTER_MODEL_PUBLIC_KEY_PATH`). A private key is
 * refused: the gateway only needs, and should only hold, the public half.
 */
export function publicKeyFromPem(pem: string): KeyObject {
  if (/PRIVATE KEY-----/.test(pem)) {
    throw new Error('holds a private key; give the gateway the public key only');
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: pem, format: 'pem' });
  } catch {
    throw new Error('is not a PEM public key');
  }
  return requireEd25519(key);
}

/**
 * An Ed25519 private key for signing: PEM text, PKCS#8 DER bytes, or base64 of the PKCS#8 DER or
 * of the raw 32-byte seed.
 */
export function privateKeyFrom(material: string | Buffer): KeyObject {
  const text = typeof material === 'string' ? material : material.toString('latin1');
  let key: KeyObject;
  try {
    if (text.includes('-----BEGIN')) {
      key = createPrivateKey({ key: text, format: 'pem' });
    } else {
      key = createPrivateKey({ key: privateDer(material), format: 'der', type: 'pkcs8' });
    }
  } catch {
    throw new Error('is not an Ed25519 private key (PEM, PKCS#8 DER, or base64 of either)');
  }
  return requireEd25519(key);
}

function privateDer(material: string | Buffer): Buffer {
  const compact = material.toString().replace(/\s+/g, '');
  const bytes =
    typeof material !== 'string' && !BASE64.test(compact)
      ? material
      : Buffer.from(compact, 'base64');
  return bytes.length === 32 ? Buffer.concat([PKCS8_ED25519_PREFIX, bytes]) : bytes;
}

function requireEd25519(key: KeyObject): KeyObject {
  if (key.asymmetricKeyType !== 'ed25519') {
    throw new Error(`is a ${key.asymmetricKeyType ?? 'unknown'} key, not Ed25519`);
  }
  return key;
}

/** The value for `LLMROUTER_MODEL_PUBLIC_KEY_B64`: base64 of the key's SPKI DER. */
export function publicKeyBase64(key: KeyObject): string {
  const publicKey = key.type === 'private' ? createPublicKey(key) : key;
  return publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
}
