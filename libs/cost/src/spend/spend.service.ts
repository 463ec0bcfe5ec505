import { Injectable } from '@nestjs/common';
import {
  RequestLogQueryService,
  RequestLogWriter,
  type SpendLogQuery,
  type SpendReportQuery,
} from '@routeiq/persistence';
import {
  toSpendLogsResponse,
  toSpendReportResponse,
  type SpendLogsResponse,
  type SpendReportResponse,
} from './spend.view';

/** Spend read back from the request log, for the admin API. */
@Injectable()
export class SpendService {
  constructor(
    private readonly requestLogs: RequestLogQueryService,
    private readonly writer: RequestLogWriter,
  ) {}

  async logs(query: SpendLogQuery): Promise<SpendLogsResponse> {
    await this.pending();
    return toSpendLogsResponse(await this.requestLogs.findSpendLogs(query));
  }

  async report(query: SpendReportQuery): Promise<SpendReportResponse> {
    await this.pending();
    return toSpendReportResponse(query, await this.requestLogs.spendReport(query));
  }

  /**
   * Rows are written behind the request path, about once a second: this replica's pending rows
   * are written first, so an answer includes the requests it served until now. Other replicas'
   * rows arrive with their next flush.
   */
  private pending(): Promise<void> {
    return this.writer.flush();
  }
}
