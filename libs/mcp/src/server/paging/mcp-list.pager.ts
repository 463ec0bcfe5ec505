import { Injectable } from '@nestjs/common';
import type { GatewayRequest } from '@routeiq/common';
import { McpConfig } from '../../mcp.config';
import { McpCursorCodec, type McpListPosition } from './mcp-cursor.codec';

/** An item's place in a listing: compared part by part (server id first, then its name, …). */
export type McpSortKeyOf<T> = (item: T) => McpListPosition;

/** One page of a listing, and the cursor of the next one when there is more. */
export interface McpPage<T> {
  readonly items: T[];
  readonly nextCursor?: string;
}

/** Which listing, from where (the client's `cursor`), for whom. */
export interface McpPageRequest {
  readonly method: string;
  readonly cursor: string | undefined;
  readonly req: GatewayRequest;
}

/** Orders by code units, part by part: the same on every replica, whatever the locale. */
export function compareKeys(a: McpListPosition, b: McpListPosition): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const [x, y] = [a[i]!, b[i]!];
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * Up to `size` items following `after` in key order (from the first without it), and the key of
 * the last one when more follow. Resuming after a key rather than an offset means a listing that
 * changed between pages neither repeats nor skips the items that stayed, and always ends.
 */
export function pageAfter<T>(
  items: readonly T[],
  keyOf: McpSortKeyOf<T>,
  after: McpListPosition | undefined,
  size: number,
): { readonly items: T[]; readonly next?: McpListPosition } {
  const sorted = items
    .map((item) => ({ item, key: keyOf(item) }))
    .sort((a, b) => compareKeys(a.key, b.key));
  const start = after ? sorted.findIndex(({ key }) => compareKeys(key, after) > 0) : 0;
  if (start < 0) return { items: [] };
  const page = sorted.slice(start, start + size);
  const more = start + size < sorted.length;
  return { items: page.map(({ item }) => item), ...(more && { next: page.at(-1)!.key }) };
}

/**
 * Pagination of the gateway's MCP list methods: `MCP_LIST_PAGE_SIZE` items a page, in a stable
 * order, with opaque cursors bound to the caller's key and the list method.
 */
@Injectable()
export class McpListPager {
  constructor(
    private readonly config: McpConfig,
    private readonly codec: McpCursorCodec,
  ) {}

  /**
   * The page `request.cursor` points at (the first without one) of what `load` lists.
   * @throws McpRpcError -32602 for a cursor not issued to this key for this method, before loading.
   */
  async page<T>(
    request: McpPageRequest,
    load: () => Promise<readonly T[]>,
    keyOf: McpSortKeyOf<T>,
  ): Promise<McpPage<T>> {
    const scope = { keyId: request.req.principal?.keyId ?? '', method: request.method };
    const after = request.cursor === undefined ? undefined : this.codec.open(request.cursor, scope);
    const { items, next } = pageAfter(await load(), keyOf, after, this.config.listPageSize);
    return { items, ...(next && { nextCursor: this.codec.seal(next, scope) }) };
  }
}
