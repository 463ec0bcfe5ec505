import { CacheException } from '../cache.exception';
import { scopeOf, tokenOf } from '../cache-key';
import type { EntryFilter } from '../memory-cache.store';

export const DEFAULT_ENTRIES_LIMIT = 50;
export const MAX_ENTRIES_LIMIT = 500;

/** Which entries an admin request covers, as given and as tier tokens. */
export interface AdminFilter {
  readonly teamId?: string;
  readonly keyId?: string;
  readonly model?: string;
  readonly tokens: EntryFilter;
}

/** `GET /admin/cache/entries` query. */
export interface EntriesQuery {
  readonly filter: AdminFilter;
  readonly limit: number;
  readonly cursor: string | undefined;
  readonly includeContent: boolean;
}

const FILTER_FIELDS = ['team_id', 'key_id', 'model'] as const;
const QUERY_FIELDS = new Set<string>([...FILTER_FIELDS, 'limit', 'cursor', 'include_content']);

/** `POST /admin/cache/flush` body: `{}` (everything), or `team_id` / `key_id` and/or `model`. */
export function parseFlushBody(body: unknown): AdminFilter {
  if (body === undefined || body === null) return filterOf({});
  if (typeof body !== 'object' || Array.isArray(body)) {
    throw CacheException.invalidRequest('body', 'must be a JSON object');
  }
  const fields = body as Record<string, unknown>;
  for (const name of Object.keys(fields)) {
    if (!(FILTER_FIELDS as readonly string[]).includes(name)) {
      throw CacheException.invalidRequest(name, 'unknown field (team_id, key_id, model)');
    }
  }
  return filterOf(fields);
}

export function parseEntriesQuery(query: Readonly<Record<string, unknown>>): EntriesQuery {
  for (const name of Object.keys(query)) {
    if (!QUERY_FIELDS.has(name)) throw CacheException.invalidRequest(name, 'unknown parameter');
  }
  const limitText = text(query, 'limit');
  const limit = limitText === undefined ? DEFAULT_ENTRIES_LIMIT : Number(limitText);
  if (!/^\d+$/.test(limitText ?? '1') || limit < 1 || limit > MAX_ENTRIES_LIMIT) {
    throw CacheException.invalidRequest('limit', `must be an integer in [1, ${MAX_ENTRIES_LIMIT}]`);
  }
  const include = text(query, 'include_content');
  if (include !== undefined && include !== 'true' && include !== 'false') {
    throw CacheException.invalidRequest('include_content', 'must be true or false');
  }
  return {
    filter: filterOf(query),
    limit,
    cursor: text(query, 'cursor'),
    includeContent: include === 'true',
  };
}

function filterOf(fields: Readonly<Record<string, unknown>>): AdminFilter {
  const teamId = text(fields, 'team_id');
  const keyId = text(fields, 'key_id');
  const model = text(fields, 'model');
  if (teamId !== undefined && keyId !== undefined) {
    throw CacheException.invalidRequest('key_id', 'give team_id or key_id, not both');
  }
  const scope =
    teamId !== undefined ? scopeOf(teamId, undefined) : keyId && scopeOf(undefined, keyId);
  return {
    ...(teamId !== undefined && { teamId }),
    ...(keyId !== undefined && { keyId }),
    ...(model !== undefined && { model }),
    tokens: {
      ...(scope && { scopeToken: tokenOf(scope) }),
      ...(model !== undefined && { modelToken: tokenOf(model) }),
    },
  };
}

/** A non-empty string field, or undefined when absent. */
function text(fields: Readonly<Record<string, unknown>>, name: string): string | undefined {
  const value = fields[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '' || value.length > 512) {
    throw CacheException.invalidRequest(
      name,
      'must be a non-empty string of at most 512 characters',
    );
  }
  return value;
}
