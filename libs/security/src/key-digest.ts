import { createHash, timingSafeEqual } from 'node:crypto';

/** SHA-256 of a key: what the gateway keeps in memory instead of the key itself. */
export function digestKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/**
 * Constant-time check of a presented key against known digests. Comparing digests (always 32
 * bytes) keeps the key's length from leaking through timing.
 */
export function matchesDigest(presented: string, digests: readonly Buffer[]): boolean {
  return matchesDigestOf(digestKey(presented), digests);
}

/** `matchesDigest` for a key whose digest the caller already computed. */
export function matchesDigestOf(candidate: Buffer, digests: readonly Buffer[]): boolean {
  let matched = false;
  for (const digest of digests) matched = timingSafeEqual(candidate, digest) || matched;
  return matched;
}

/** A short, non-secret identifier for logs and request records. */
export function keyId(digest: Buffer): string {
  return `key-${digest.subarray(0, 6).toString('hex')}`;
}
