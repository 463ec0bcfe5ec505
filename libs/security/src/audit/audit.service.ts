import { Injectable, Logger } from '@nestjs/common';
import { GatewayException } from '@routeiq/common';
import { AuditLogStore, type AuditLogFilter, type AuditLogRecord } from '@routeiq/persistence';
import type { AuditEvent, PolicyDenyEvent } from './audit-event';
import { describeAuditError } from './audit-error';
import { AuditLogWriter } from './audit-log.writer';
import { toAuditLogsResponse, type AuditLogsResponse } from './audit-log.view';
import { policyDenyToEvent, toAuditLogRecord } from './audit-record.mapper';
import { AuditConfig } from './audit.config';
import { AuditException } from './audit.exception';

/**
 * The audit log of control-plane actions and policy denies. Everything recorded is masked and
 * scrubbed first (see `toAuditLogRecord`). With `AUDIT_LOG_ENABLED=false` nothing is recorded.
 */
@Injectable()
export class AuditService {
  private readonly logger = new Logger(AuditService.name);

  constructor(
    private readonly config: AuditConfig,
    private readonly store: AuditLogStore,
    private readonly writer: AuditLogWriter,
  ) {}

  /** `closed`: control-plane actions are written before they run and fail with 503 without it. */
  get failClosed(): boolean {
    return this.config.enabled && this.config.failMode === 'closed';
  }

  /** Request path: buffers the event for a batched write. O(1); never awaits, never throws. */
  record(event: AuditEvent): void {
    if (!this.config.enabled) return;
    try {
      this.writer.enqueue(toAuditLogRecord(event));
    } catch (error) {
      this.logger.warn(`audit event ${event.action} not recorded: ${describeAuditError(error)}`);
    }
  }

  /** Implements the policy lib's `PolicyDenyListener` port: batched, like `record`. */
  recordPolicyDeny(deny: PolicyDenyEvent): void {
    try {
      this.record(policyDenyToEvent(deny));
    } catch (error) {
      this.logger.warn(`policy deny not recorded: ${describeAuditError(error)}`);
    }
  }

  /**
   * A control-plane action, recorded before its response is sent. Fail-open (default): buffered,
   * never throws. Fail-closed: written now; when the write fails this throws
   * `AuditException` 503 `audit_log_unavailable`, which the controller lets through.
   */
  async recordControlPlane(event: AuditEvent): Promise<void> {
    if (!this.config.enabled) return;
    await this.write(toAuditLogRecord(event));
  }

  /**
   * Records `event` (outcome `success`), then runs `action`. In closed mode the record is stored
   * before the action starts, so nothing changes without an audit row; if it cannot be stored the
   * action does not run (503). When the action throws, a second record with outcome `failure`,
   * the error code as reason and `metadata.intent_id` naming the first record supersedes it, and
   * the action's error is rethrown unchanged.
   */
  async guard<T>(event: AuditEvent | (() => AuditEvent), action: () => Promise<T>): Promise<T> {
    if (!this.config.enabled) return action();
    const build = typeof event === 'function' ? event : () => event;
    const intent = toAuditLogRecord({ ...build(), outcome: 'success' });
    await this.write(intent);
    let result: T;
    try {
      result = await action();
    } catch (error) {
      await this.recordFailure(build(), intent.id, error);
      throw error;
    }
    // The resource may be known only once the action ran (a generated key): the change already
    // happened, so this completion record is buffered.
    const completed = build();
    if (completed.resourceId && !intent.resourceId) {
      this.record({
        ...completed,
        outcome: 'success',
        metadata: { ...completed.metadata, intent_id: intent.id },
      });
    }
    return result;
  }

  /** Rows newest first, for `GET /audit/logs`. */
  async query(filter: AuditLogFilter): Promise<AuditLogsResponse> {
    return toAuditLogsResponse(await this.store.find(filter));
  }

  private async write(record: AuditLogRecord): Promise<void> {
    if (this.config.failMode === 'open') {
      this.writer.enqueue(record);
      return;
    }
    try {
      await this.store.insert(record);
    } catch (error) {
      this.logger.error(
        `audit record ${record.action} (request ${record.requestId ?? '-'}) not written, ` +
          `refusing the action: ${describeAuditError(error)}`,
      );
      throw AuditException.unavailable();
    }
  }

  /** The action already failed: its error wins over an audit failure, which is only logged. */
  private async recordFailure(event: AuditEvent, intentId: string, error: unknown): Promise<void> {
    const reason = error instanceof GatewayException ? error.code : 'internal_error';
    const metadata = { ...event.metadata, intent_id: intentId };
    try {
      await this.write(toAuditLogRecord({ ...event, outcome: 'failure', reason, metadata }));
    } catch {
      // Already logged by write().
    }
  }
}
