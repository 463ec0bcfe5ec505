import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const PREFIX = 'enc:v1:';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HKDF_SALT = 'routeiq-credentials';
const HKDF_INFO = 'aes-256-gcm v1';

/** A sealed credential that this key does not open (another key sealed it, or it was altered). */
export class CredentialCipherError extends Error {
  constructor() {
    super(
      'a stored credential cannot be decrypted: LITELLM_SALT_KEY (or LITELLM_MASTER_KEY, its ' +
        'fallback) is not the key it was stored with',
    );
    this.name = 'CredentialCipherError';
  }
}

/**
 * Seals upstream credentials (MCP server and A2A agent secrets, static header values) for the
 * database: AES-256-GCM under a key derived (HKDF-SHA256) from the configured secret, a random IV
 * per value, stored as `enc:v1:<base64url iv|tag|ciphertext>`. A value without the prefix was
 * stored before encryption and is read as it is; it is sealed when next written.
 */
export class CredentialCipher {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = Buffer.from(hkdfSync('sha256', secret, HKDF_SALT, HKDF_INFO, 32));
  }

  seal(plaintext: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key, iv);
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  /** @throws CredentialCipherError when a sealed value does not open under this key. */
  open(stored: string): string {
    if (!stored.startsWith(PREFIX)) return stored;
    const raw = Buffer.from(stored.slice(PREFIX.length), 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new CredentialCipherError();
    try {
      const decipher = createDecipheriv(ALGORITHM, this.key, raw.subarray(0, IV_BYTES));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      const body = raw.subarray(IV_BYTES + TAG_BYTES);
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      throw new CredentialCipherError();
    }
  }

  sealOptional(value: string | null): string | null {
    return value === null || value === '' ? value : this.seal(value);
  }

  openOptional(value: string | null): string | null {
    return value === null || value === '' ? value : this.open(value);
  }

  /** Header names stay readable; their values are sealed one by one. */
  sealValues(values: Readonly<Record<string, string>>): Record<string, string> {
    const sealed: Record<string, string> = {};
    for (const [name, value] of Object.entries(values)) sealed[name] = this.seal(value);
    return sealed;
  }

  openValues(values: Readonly<Record<string, string>>): Record<string, string> {
    const opened: Record<string, string> = {};
    for (const [name, value] of Object.entries(values)) opened[name] = this.open(value);
    return opened;
  }

  /** Whether a stored value is sealed (tests and the migration of older rows). */
  static isSealed(stored: string): boolean {
    return stored.startsWith(PREFIX);
  }
}
