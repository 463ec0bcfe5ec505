import { Controller, Get, Query } from '@nestjs/common';
import { AdminOnly } from '@routeiq/common';
import type { AuditLogsResponse } from './audit-log.view';
import { parseAuditQuery } from './audit-query.parser';
import { AuditService } from './audit.service';

@AdminOnly()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** Admin only. Filters, limit and cursor are described in `parseAuditQuery`; bad values are 400. */
  @Get('logs')
  logs(@Query() query: Record<string, unknown>): Promise<AuditLogsResponse> {
    return this.audit.query(parseAuditQuery(query));
  }
}
