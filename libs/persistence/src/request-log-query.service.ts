import { Injectable } from '@nestjs/common';
import { RequestLogRepository } from './request-log.repository';
import type {
  SpendLogPage,
  SpendLogQuery,
  SpendReport,
  SpendReportQuery,
  StoredRequestLog,
} from './request-log.types';

/** Read access to request logs for other modules (admin API, tests). */
@Injectable()
export class RequestLogQueryService {
  constructor(private readonly repository: RequestLogRepository) {}

  findByRequestId(requestId: string): Promise<StoredRequestLog[]> {
    return this.repository.findByRequestId(requestId);
  }

  count(): Promise<number> {
    return this.repository.count();
  }

  /** Request logs matching the filters, newest first, one page at a time. */
  findSpendLogs(query: SpendLogQuery): Promise<SpendLogPage> {
    return this.repository.findSpendLogs(query);
  }

  /** Spend and usage per key, team, user, model group, deployment or UTC day. */
  spendReport(query: SpendReportQuery): Promise<SpendReport> {
    return this.repository.spendReport(query);
  }
}
