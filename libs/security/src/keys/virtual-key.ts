import { createHash, randomBytes } from 'node:crypto';

const KEY_PREFIX = 'sk-';
const HASH_PATTERN = /^[0-9a-f]{64}$/;

export interface GeneratedKey {
  /** Shown once, in the /key/generate answer; never stored. */
  readonly plaintext: string;
  /** SHA-256 (hex) of the plaintext: what the database keeps. */
  readonly token: string;
  /** Masked form for display. */
  readonly keyName: string;
}

/** A new random key (`sk-` + 32 base64url characters, 192 bits), or a caller-chosen one. */
export function generateKey(custom?: string): GeneratedKey {
  const plaintext = custom ?? `${KEY_PREFIX}${randomBytes(24).toString('base64url')}`;
  return { plaintext, token: hashKey(plaintext), keyName: maskKey(plaintext) };
}

export function hashKey(plaintext: string): string {
  return createHash('sha256').update(plaintext, 'utf8').digest('hex');
}

export function maskKey(plaintext: string): string {
  return `${plaintext.slice(0, 3)}...${plaintext.slice(-4)}`;
}

/** `/key/*` routes accept the key itself or its hash (LiteLLM's `token`). */
export function tokenOf(keyOrHash: string): string {
  return HASH_PATTERN.test(keyOrHash) ? keyOrHash : hashKey(keyOrHash);
}

/** Non-secret id of a virtual key, recorded with each request. */
export function virtualKeyId(token: string): string {
  return `vk-${token.slice(0, 12)}`;
}
