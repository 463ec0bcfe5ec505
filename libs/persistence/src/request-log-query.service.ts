import { Injectable } from '@nestjs/common';
import { RequestLogRepository } from './request-log.repository';
import type { StoredRequestLog } from './request-log.types';

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
}
