import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HKDF_INFO = 'aes-256-gcm v1';

/** What a box is for: its own key (HKDF salt) and the prefix that marks its values. */
export interface SecretBoxPurpose {
  /** HKDF salt: boxes of different purposes never share a key, even under one secret. */
  readonly salt: string;
  /** Starts every sealed value, e.g. `enc:v1:`. */
  readonly prefix: string;
}

/**
 * AES-256-GCM under a key derived (HKDF-SHA256) from a secret for one purpose. A sealed value is
 * `<prefix><base64url iv | tag | ciphertext>` with a random IV; associated data, when given, must
 * be the same to open it (a value sealed for one scope cannot be used in another).
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(
    secret: string,
    private readonly purpose: SecretBoxPurpose,
  ) {
    this.key = Buffer.from(hkdfSync('sha256', secret, purpose.salt, HKDF_INFO, 32));
  }

  /** Whether `value` carries this box's prefix (it may still fail to open). */
  holds(value: string): boolean {
    return value.startsWith(this.purpose.prefix);
  }

  seal(plaintext: string, associatedData?: Buffer): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key, iv);
    if (associatedData) cipher.setAAD(associatedData);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return (
      this.purpose.prefix + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')
    );
  }

  /**
   * The plaintext, or undefined when `sealed` is not this box's or does not open: another key,
   * other associated data, or altered.
   */
  open(sealed: string, associatedData?: Buffer): string | undefined {
    if (!this.holds(sealed)) return undefined;
    const raw = Buffer.from(sealed.slice(this.purpose.prefix.length), 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv(ALGORITHM, this.key, raw.subarray(0, IV_BYTES));
      if (associatedData) decipher.setAAD(associatedData);
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      const body = raw.subarray(IV_BYTES + TAG_BYTES);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}
