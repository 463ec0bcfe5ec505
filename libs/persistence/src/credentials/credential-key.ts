import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DatabaseTarget } from '../database-target';
import type { PersistenceConfig } from '../persistence.config';
import { CredentialCipher } from './credential-cipher';

const KEY_FILE = 'credentials_key';

/** Where the gateway keeps its generated credentials key when no secret is in the environment. */
export function credentialKeyPath(dataDir: string): string {
  return join(dataDir, KEY_FILE);
}

/**
 * The secret in a credentials key file (as the gateway reads it), without creating one.
 * @throws Error naming the file when it is missing, unreadable or empty.
 */
export function readCredentialKeyFile(file: string): string {
  let key: string;
  try {
    key = readFileSync(file, 'utf8').trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new Error(`the credentials key file ${file} cannot be read (${code})`);
  }
  if (key === '') throw new Error(`the credentials key file ${file} is empty`);
  return key;
}

/**
 * The secret replicas share for tokens they hand out (page tokens, list cursors): the one stored
 * credentials are sealed under (`LITELLM_SALT_KEY`, else `LITELLM_MASTER_KEY`, else the data
 * directory's credentials key file). Without any, a random one per process, with a warning naming
 * `what`: such tokens then die with the process and are refused by other replicas.
 */
export function sharedTokenSecret(
  configured: string | undefined,
  dataDir: string,
  what: string,
): string {
  if (configured) return configured;
  try {
    return readCredentialKeyFile(credentialKeyPath(dataDir));
  } catch (error) {
    new Logger('TokenSecret').warn(
      `${what} are sealed with a per-process key (${(error as Error).message}): ` +
        'they stop working when this process restarts, and on other replicas',
    );
    return randomBytes(32).toString('hex');
  }
}

/**
 * The cipher for stored credentials: under `LITELLM_SALT_KEY` or `LITELLM_MASTER_KEY`, else under
 * a key generated once into the data directory (mode 0600), which is enough for one node on its
 * own database. Replicas sharing a Postgres database need the same secret from the environment:
 * the gateway says so at start-up when it is missing.
 */
export function credentialCipherFor(
  config: PersistenceConfig,
  dataDir: string,
  target: DatabaseTarget,
): CredentialCipher {
  if (config.credentialsSecret) return new CredentialCipher(config.credentialsSecret);
  const file = credentialKeyPath(dataDir);
  if (target.kind === 'postgres') {
    new Logger('Persistence').warn(
      `MCP and A2A credentials are sealed with the key in ${file}: set LITELLM_SALT_KEY (the same ` +
        'on every replica sharing this database), or replicas cannot read each other’s credentials',
    );
  }
  return new CredentialCipher(readOrCreateKey(file, dataDir));
}

function readOrCreateKey(file: string, dataDir: string): string {
  try {
    const key = readFileSync(file, 'utf8').trim();
    if (key !== '') return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const key = randomBytes(32).toString('hex');
  // `wx`: two processes starting on one data directory keep the first key written.
  try {
    writeFileSync(file, `${key}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return readFileSync(file, 'utf8').trim();
  }
}
