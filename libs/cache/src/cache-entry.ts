import type { CacheRecord } from '@routeiq/coordination';
import type { CacheAddress } from './cache-key';
import type { CacheLookupInput } from './response-cache.port';

/** How an answer was stored: a unary result, or the chunks of a stream as written. */
export type CacheEntryKind = 'result' | 'chunks';

/** One stored answer, as both tiers hold it. */
export interface CacheEntry {
  readonly address: CacheAddress;
  readonly endpoint: CacheLookupInput['endpoint'];
  readonly kind: CacheEntryKind;
  /** The answer as JSON text: parsed afresh for every hit, so no caller shares a stored object. */
  readonly body: string;
  /** Epoch milliseconds. */
  readonly createdAt: number;
  readonly expiresAt: number;
  /** Size of the serialised body (what the size cap and the stats count). */
  readonly bytes: number;
  readonly modelGroup: string;
  readonly deploymentId: string;
}

/** The small part of an entry Redis lists without reading the body. */
interface EntryMeta {
  readonly v: 1;
  readonly endpoint: CacheEntry['endpoint'];
  readonly kind: CacheEntryKind;
  readonly scope: string;
  readonly model: string;
  readonly created_at: number;
  readonly expires_at: number;
  readonly model_group: string;
  readonly deployment_id: string;
}

const ENDPOINTS = new Set(['chat', 'completion', 'embedding', 'messages', 'responses']);

export function toRecord(entry: CacheEntry): CacheRecord {
  const meta: EntryMeta = {
    v: 1,
    endpoint: entry.endpoint,
    kind: entry.kind,
    scope: entry.address.scope,
    model: entry.address.model,
    created_at: entry.createdAt,
    expires_at: entry.expiresAt,
    model_group: entry.modelGroup,
    deployment_id: entry.deploymentId,
  };
  return { meta: JSON.stringify(meta), body: entry.body };
}

/** Listing fields of a stored meta, or undefined when it is not one of ours. */
export function parseMeta(text: string): EntryMeta | undefined {
  try {
    const meta = JSON.parse(text) as Partial<EntryMeta> | null;
    if (!meta || meta.v !== 1 || !ENDPOINTS.has(String(meta.endpoint))) return undefined;
    if (meta.kind !== 'result' && meta.kind !== 'chunks') return undefined;
    const numbers = [meta.created_at, meta.expires_at];
    if (!numbers.every((value) => typeof value === 'number' && Number.isFinite(value))) {
      return undefined;
    }
    return meta as EntryMeta;
  } catch {
    return undefined;
  }
}

/** The entry a Redis record holds for `address`, or undefined when it is malformed. */
export function fromRecord(address: CacheAddress, record: CacheRecord): CacheEntry | undefined {
  const meta = parseMeta(record.meta);
  if (!meta || meta.scope !== address.scope || meta.model !== address.model) return undefined;
  return {
    address,
    endpoint: meta.endpoint,
    kind: meta.kind,
    body: record.body,
    createdAt: meta.created_at,
    expiresAt: meta.expires_at,
    bytes: Buffer.byteLength(record.body),
    modelGroup: String(meta.model_group ?? ''),
    deploymentId: String(meta.deployment_id ?? ''),
  };
}
