import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { AdminOnly, Audited, JsonBody } from '@routeiq/common';
import { parseEntriesQuery, parseFlushBody } from './cache-admin.request';
import { CacheAdminService, type FlushView } from './cache-admin.service';
import type { EntriesPage } from './cache-entry.lister';

/** The response cache's admin routes (admin keys only). */
@AdminOnly()
@Controller('admin/cache')
export class CacheAdminController {
  constructor(private readonly admin: CacheAdminService) {}

  /** This replica's hits per tier, misses, entries, bytes, hit ratio and semantic refusals. */
  @Get('stats')
  stats(): Record<string, unknown> {
    return this.admin.statsView();
  }

  /** `{}` flushes everything; `team_id` / `key_id` and/or `model` narrow it. Every replica. */
  @Post('flush')
  @HttpCode(200)
  @Audited('cache.flush', 'cache')
  flush(@JsonBody() body: unknown): Promise<FlushView> {
    return this.admin.flush(parseFlushBody(body));
  }

  /** Paginated entries (`limit`, `cursor`, filters); content only with `include_content=true`. */
  @Get('entries')
  entries(@Query() query: Record<string, unknown>): Promise<EntriesPage> {
    return this.admin.entries(parseEntriesQuery(query));
  }
}
