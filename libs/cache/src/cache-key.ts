import { createHash } from 'node:crypto';
import type { CacheLookupInput } from './response-cache.port';

/** Bumped whenever what a key covers changes: older entries are then never read again. */
export const CACHE_KEY_VERSION = 'v1';

/**
 * Request fields that never change the answer: the mode of delivery, who asks (`user`, tenant
 * scope is keyed separately), and the gateway's own controls. Every other field is keyed, so an
 * unknown parameter can only cost a hit, never serve a wrong answer.
 */
const UNKEYED_FIELDS = new Set([
  'stream',
  'stream_options',
  'user',
  'metadata',
  'cache',
  'caching',
  'timeout',
  'num_retries',
]);

/** Endpoints whose stream and unary answers are kept apart (no conversion between them). */
const MODE_KEYED = new Set<CacheLookupInput['endpoint']>(['messages', 'responses']);

/** Where an entry lives and who may read it. */
export interface CacheAddress {
  /** sha256 of the version, endpoint, scope and canonical request (hex). */
  readonly hash: string;
  /** `team:<id>`, `key:<id>` or `anonymous`: tenants never share entries. */
  readonly scope: string;
  readonly scopeToken: string;
  readonly model: string;
  readonly modelToken: string;
}

/** The tenant scope of a request: its team, else its key. */
export function scopeOf(teamId: string | undefined, keyId: string | undefined): string {
  if (teamId) return `team:${teamId}`;
  if (keyId) return `key:${keyId}`;
  return 'anonymous';
}

/** A short hex token for a scope or a model (Redis key segment; flush patterns). */
export function tokenOf(text: string): string {
  return sha256(text).slice(0, 16);
}

export function addressOf(input: CacheLookupInput): CacheAddress {
  const scope = scopeOf(input.teamId, input.keyId);
  const model = typeof input.request.model === 'string' ? input.request.model : '';
  const keyed = keyedFields(input.request);
  if (MODE_KEYED.has(input.endpoint)) keyed.stream = input.stream;
  const checks = input.guardrails ? `\nguardrails:${[...input.guardrails].sort().join(',')}` : '';
  const material = `${CACHE_KEY_VERSION}\n${input.endpoint}\n${scope}${checks}\n${canonicalJson(keyed)}`;
  return {
    hash: sha256(material),
    scope,
    scopeToken: tokenOf(scope),
    model,
    modelToken: tokenOf(model),
  };
}

/** The request without the fields that never change the answer. */
export function keyedFields(request: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const keyed: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(request)) {
    if (!UNKEYED_FIELDS.has(name) && value !== undefined) keyed[name] = value;
  }
  return keyed;
}

/** JSON with every object's keys sorted, so equal requests give equal text whatever the order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item)).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, item]) => item !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([name, item]) => `${JSON.stringify(name)}:${canonicalJson(item)}`).join(',')}}`;
}

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
