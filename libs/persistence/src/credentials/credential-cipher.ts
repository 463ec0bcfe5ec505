import { SecretBox } from '@routeiq/common';

const PREFIX = 'enc:v1:';
const PURPOSE = { salt: 'routeiq-credentials', prefix: PREFIX } as const;

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
  private readonly box: SecretBox;

  constructor(secret: string) {
    this.box = new SecretBox(secret, PURPOSE);
  }

  seal(plaintext: string): string {
    return this.box.seal(plaintext);
  }

  /** @throws CredentialCipherError when a sealed value does not open under this key. */
  open(stored: string): string {
    if (!this.box.holds(stored)) return stored;
    const opened = this.box.open(stored);
    if (opened === undefined) throw new CredentialCipherError();
    return opened;
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
