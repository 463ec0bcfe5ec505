import type { DataSource, Repository } from 'typeorm';
import { RequestLogEntity } from './request-log.entity';
import type { RequestLogRecord } from './request-log.types';

// Keeps each INSERT well under the bound-parameter limits of both drivers (17 columns per row).
const INSERT_CHUNK_ROWS = 500;

/** The only class that builds queries for request logs. Internal to the persistence lib. */
export class RequestLogRepository {
  private readonly repository: Repository<RequestLogEntity>;

  constructor(dataSource: DataSource) {
    this.repository = dataSource.getRepository(RequestLogEntity);
  }

  async insertMany(records: readonly RequestLogRecord[]): Promise<void> {
    for (let start = 0; start < records.length; start += INSERT_CHUNK_ROWS) {
      const chunk = records.slice(start, start + INSERT_CHUNK_ROWS);
      await this.repository.insert(chunk.map((record) => ({ ...record })));
    }
  }

  async findByRequestId(requestId: string): Promise<RequestLogRecord[]> {
    const rows = await this.repository.find({ where: { requestId }, order: { createdAt: 'ASC' } });
    return rows.map(toRecord);
  }

  async count(): Promise<number> {
    return this.repository.count();
  }
}

function toRecord(row: RequestLogEntity): RequestLogRecord {
  return {
    id: row.id,
    requestId: row.requestId,
    createdAt: row.createdAt,
    endpoint: row.endpoint,
    modelGroup: row.modelGroup,
    deploymentId: row.deploymentId,
    provider: row.provider,
    keyId: row.keyId,
    statusCode: row.statusCode,
    stream: row.stream,
    promptTokens: row.promptTokens,
    completionTokens: row.completionTokens,
    totalTokens: row.totalTokens,
    spend: Number(row.spend),
    latencyMs: row.latencyMs,
    ttftMs: row.ttftMs,
    errorCode: row.errorCode,
  };
}
