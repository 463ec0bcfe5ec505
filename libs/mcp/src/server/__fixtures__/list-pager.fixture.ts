import type { McpConfig } from '../../mcp.config';
import { McpCursorCodec } from '../paging/mcp-cursor.codec';
import { McpListPager } from '../paging/mcp-list.pager';

/** A pager of `size` items a page under a fixed test secret. */
export function testListPager(size = 100): McpListPager {
  const config = { listPageSize: size } as McpConfig;
  return new McpListPager(config, new McpCursorCodec(() => 'test-cursor-secret'));
}
