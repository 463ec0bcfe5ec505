import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatabaseTarget } from '../database-target';
import { persistenceConfigFromEnv } from '../persistence.config';
import { CredentialCipher, CredentialCipherError } from './credential-cipher';
import { credentialCipherFor } from './credential-key';

const SQLITE: DatabaseTarget = { kind: 'sqlite', path: '/tmp/x.sqlite' };

describe(credentialCipherFor.name, () => {
  let dataDir: string;

  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'routeiq-credential-key-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('takes LITELLM_SALT_KEY over LITELLM_MASTER_KEY, and writes no key file then', () => {
    const both = persistenceConfigFromEnv({ LITELLM_SALT_KEY: 'salt', LITELLM_MASTER_KEY: 'sk-m' });
    expect(both.credentialsSecretSource).toBe('LITELLM_SALT_KEY');
    const sealed = credentialCipherFor(both, dataDir, SQLITE).seal('token');
    expect(new CredentialCipher('salt').open(sealed)).toBe('token');
    const masterOnly = persistenceConfigFromEnv({
      LITELLM_MASTER_KEY: 'sk-m',
      LITELLM_SALT_KEY: ' ',
    });
    expect(masterOnly.credentialsSecretSource).toBe('LITELLM_MASTER_KEY');
    expect(() => credentialCipherFor(masterOnly, dataDir, SQLITE).open(sealed)).toThrow(
      CredentialCipherError,
    );
    expect(() => statSync(join(dataDir, 'credentials_key'))).toThrow();
  });

  it('generates a key file once (mode 0600) and reuses it on the next start', () => {
    const config = persistenceConfigFromEnv({});
    const sealed = credentialCipherFor(config, dataDir, SQLITE).seal('token');
    const file = join(dataDir, 'credentials_key');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/);
    expect(credentialCipherFor(config, dataDir, SQLITE).open(sealed)).toBe('token');
  });
});
