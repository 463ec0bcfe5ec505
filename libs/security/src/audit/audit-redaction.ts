import { scrubSecrets } from '@routeiq/common';

// Metadata keys that name a credential or carry a payload: dropped with their whole value.
// Deliberately broad (`key_alias` goes too): put identifiers in `resourceId` instead.
const SECRET_KEY = /key|token|secret|passw|authori[sz]ation|cookie|credential|signature/i;
const BODY_KEY = /^(?:body|(?:request|response)_?body|messages|prompt|input|content|raw|headers)$/i;

const MAX_DEPTH = 3;
const MAX_ENTRIES = 32;
const MAX_STRING = 256;
/** Serialised metadata above this size is replaced by `{ truncated: true }`. */
export const MAX_AUDIT_METADATA_CHARS = 4096;

/** Marks a value that is left out of the stored metadata. */
const DROP = Symbol('drop');
type Clean = string | number | boolean | null | Clean[] | { [key: string]: Clean };

/**
 * A credential id as stored in the audit log: never the whole value. Long ids keep their first 6
 * and last 4 characters (`key-1a…9f0c`), enough to tell keys apart; shorter ids keep 2 and 2;
 * ids under 8 characters are fully masked.
 */
export function maskActorId(id: string): string {
  if (id.length >= 16) return `${id.slice(0, 6)}…${id.slice(-4)}`;
  if (id.length >= 8) return `${id.slice(0, 2)}…${id.slice(-2)}`;
  return '…';
}

/** Free text as stored: known secret shapes masked, then cut to `max` characters. */
export function clipText(value: string | null | undefined, max: number): string | null {
  if (value === undefined || value === null) return null;
  return scrubSecrets(value).slice(0, max);
}

/**
 * A copy of `metadata` that is safe to store: JSON values only, secret-like and body-like keys
 * dropped, strings scrubbed and cut, depth and width bounded, at most 4 KB serialised.
 */
export function sanitizeAuditMetadata(
  metadata: Readonly<Record<string, unknown>> | undefined,
): Record<string, unknown> {
  if (metadata === undefined) return {};
  const clean = cleanObject(metadata, 0);
  return JSON.stringify(clean).length > MAX_AUDIT_METADATA_CHARS ? { truncated: true } : clean;
}

function cleanObject(value: object, depth: number): { [key: string]: Clean } {
  const out: { [key: string]: Clean } = {};
  let entries = 0;
  for (const [key, item] of Object.entries(value)) {
    if (entries >= MAX_ENTRIES) break;
    if (SECRET_KEY.test(key) || BODY_KEY.test(key)) continue;
    const clean = cleanValue(item, depth + 1);
    if (clean === DROP) continue;
    out[key.slice(0, 64)] = clean;
    entries += 1;
  }
  return out;
}

function cleanValue(value: unknown, depth: number): Clean | typeof DROP {
  switch (typeof value) {
    case 'string':
      return clipText(value, MAX_STRING);
    case 'number':
      return Number.isFinite(value) ? value : DROP;
    case 'boolean':
      return value;
    case 'bigint':
      return value.toString();
    case 'object':
      return cleanComposite(value, depth);
    default:
      return DROP;
  }
}

function cleanComposite(value: object | null, depth: number): Clean | typeof DROP {
  if (value === null) return null;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? DROP : value.toISOString();
  if (depth > MAX_DEPTH) return DROP;
  if (Array.isArray(value)) {
    const items = (value as unknown[]).slice(0, MAX_ENTRIES).map((item) => cleanValue(item, depth));
    return items.filter((item): item is Clean => item !== DROP);
  }
  // Buffers, streams, requests and other class instances are never plain metadata.
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return DROP;
  return cleanObject(value, depth);
}
