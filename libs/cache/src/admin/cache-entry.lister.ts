import type { CacheRecordInfo } from '@routeiq/coordination';
import { CacheException } from '../cache.exception';
import { type CacheEntry, parseMeta } from '../cache-entry';
import type { CacheTiers } from '../cache-tiers.service';
import { recordFilterOf } from '../cache-tiers.service';
import type { EntriesQuery } from './cache-admin.request';

/** One listed entry: never its content unless asked for. */
export interface EntryView {
  readonly key: string;
  readonly tier: 'memory' | 'redis';
  readonly scope: string;
  readonly model: string;
  readonly endpoint: string;
  readonly kind: string;
  readonly size_bytes: number;
  readonly age_seconds: number;
  readonly ttl_seconds: number;
  readonly model_group: string;
  readonly deployment_id: string;
  readonly content?: unknown;
}

export interface EntriesPage {
  readonly data: readonly EntryView[];
  /** Pass as `cursor` for the next page; null at the end. */
  readonly next_cursor: string | null;
}

/**
 * Pages through this replica's memory tier (most recently used first), then Redis (SCAN order).
 * The cursor is `m.<offset>` or `r.<redis cursor>`, base64url-encoded.
 */
export class CacheEntryLister {
  constructor(private readonly tiers: CacheTiers) {}

  async page(query: EntriesQuery): Promise<EntriesPage> {
    const position = decodeCursor(query.cursor);
    if (position.tier === 'memory') {
      const offset = Number(position.at);
      const found = this.tiers.memory.list(query.filter.tokens, offset, query.limit + 1);
      const data = found
        .slice(0, query.limit)
        .map((entry) => memoryView(entry, query.includeContent));
      if (found.length > query.limit) {
        return { data, next_cursor: encodeCursor(`m.${offset + query.limit}`) };
      }
      if (!this.tiers.sharedEnabled) return { data, next_cursor: null };
      return { data, next_cursor: encodeCursor('r.0') };
    }
    return this.redisPage(query, position.at);
  }

  private async redisPage(query: EntriesQuery, start: string): Promise<EntriesPage> {
    if (!this.tiers.sharedEnabled) return { data: [], next_cursor: null };
    const filter = recordFilterOf(query.filter.tokens);
    const data: EntryView[] = [];
    let cursor = start;
    try {
      do {
        const page = await this.tiers.shared.list(filter, cursor, Math.max(query.limit, 100));
        for (const record of page.records) {
          data.push(await this.redisView(record, query.includeContent));
        }
        cursor = page.cursor;
      } while (cursor !== '0' && data.length < query.limit);
    } catch (error) {
      throw CacheException.sharedTierUnavailable('list', error);
    }
    // SCAN may return more than asked for: a page can be longer than `limit`, never lose entries.
    return { data, next_cursor: cursor === '0' ? null : encodeCursor(`r.${cursor}`) };
  }

  private async redisView(record: CacheRecordInfo, includeContent: boolean): Promise<EntryView> {
    const meta = parseMeta(record.meta);
    const now = Date.now();
    const view: EntryView = {
      key: record.hash,
      tier: 'redis',
      scope: meta?.scope ?? 'unknown',
      model: meta?.model ?? 'unknown',
      endpoint: meta?.endpoint ?? 'unknown',
      kind: meta?.kind ?? 'unknown',
      size_bytes: record.bodyBytes,
      age_seconds: meta ? Math.max(0, Math.floor((now - meta.created_at) / 1000)) : -1,
      ttl_seconds: record.ttlSeconds,
      model_group: meta?.model_group ?? '',
      deployment_id: meta?.deployment_id ?? '',
    };
    if (!includeContent) return view;
    const stored = await this.tiers.shared.get(record);
    return { ...view, content: stored ? parseJson(stored.body) : null };
  }
}

function memoryView(entry: CacheEntry, includeContent: boolean): EntryView {
  const now = Date.now();
  return {
    key: entry.address.hash,
    tier: 'memory',
    scope: entry.address.scope,
    model: entry.address.model,
    endpoint: entry.endpoint,
    kind: entry.kind,
    size_bytes: entry.bytes,
    age_seconds: Math.max(0, Math.floor((now - entry.createdAt) / 1000)),
    ttl_seconds: Math.max(0, Math.ceil((entry.expiresAt - now) / 1000)),
    model_group: entry.modelGroup,
    deployment_id: entry.deploymentId,
    ...(includeContent && { content: parseJson(entry.body) }),
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

function encodeCursor(position: string): string {
  return Buffer.from(position).toString('base64url');
}

/** `at` stays text: a Redis cursor is a 64-bit integer. */
function decodeCursor(cursor: string | undefined): { tier: 'memory' | 'redis'; at: string } {
  if (cursor === undefined) return { tier: 'memory', at: '0' };
  const match = /^([mr])\.(\d{1,20})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!match) throw CacheException.invalidRequest('cursor', 'is not a cursor this route returned');
  return { tier: match[1] === 'm' ? 'memory' : 'redis', at: match[2]! };
}
