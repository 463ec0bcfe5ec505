import { Controller, Get, Query } from '@nestjs/common';
import { AdminOnly } from '@routeiq/common';
import { parseSpendLogQuery, parseSpendReportQuery } from './spend-query.parser';
import { SpendService } from './spend.service';
import type { SpendLogsResponse, SpendReportResponse } from './spend.view';

/** Spend per request and per key, team, user, model, deployment or day (admin keys only). */
@AdminOnly()
@Controller('spend')
export class SpendController {
  constructor(private readonly spend: SpendService) {}

  @Get('logs')
  logs(@Query() query: Record<string, unknown>): Promise<SpendLogsResponse> {
    return this.spend.logs(parseSpendLogQuery(query));
  }

  @Get('report')
  report(@Query() query: Record<string, unknown>): Promise<SpendReportResponse> {
    return this.spend.report(parseSpendReportQuery(query));
  }
}
