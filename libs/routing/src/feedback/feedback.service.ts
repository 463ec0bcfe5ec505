import { Injectable } from '@nestjs/common';
import type { Principal } from '@routeiq/common';
import {
  RouterFeedbackStore,
  RouterTraceStore,
  RouterTraceWriter,
  type RouterFeedbackRecord,
  type RouterTraceRecord,
} from '@routeiq/persistence';
import { parseFeedbackBody, type FeedbackView } from './feedback.dto';
import { FeedbackException } from './feedback.exception';

/** Keys that may rate any request: admin keys and the master key. */
const ADMIN_KINDS: ReadonlySet<Principal['kind']> = new Set(['admin', 'master']);

/**
 * Ratings of answers (`POST /v1/feedback`): a key rates its own traced requests, an admin any.
 * A later rating of the same request replaces the earlier one.
 */
@Injectable()
export class FeedbackService {
  constructor(
    private readonly traces: RouterTraceStore,
    private readonly ratings: RouterFeedbackStore,
    private readonly writer: RouterTraceWriter,
  ) {}

  async rate(body: unknown, principal: Principal | undefined): Promise<FeedbackView> {
    const command = parseFeedbackBody(body);
    const trace = await this.traceOf(command.requestId);
    if (!trace || !principal || !mayRate(principal, trace)) {
      throw FeedbackException.requestNotFound();
    }
    const now = new Date();
    const stored = await this.ratings.upsert({
      requestId: command.requestId,
      keyId: principal.keyId,
      score: command.score,
      comment: command.comment,
      createdAt: now,
      updatedAt: now,
    });
    return viewOf(stored);
  }

  /** The trace of `requestId`; when it is not there yet, what is still buffered is written first. */
  private async traceOf(requestId: string): Promise<RouterTraceRecord | null> {
    const found = await this.traces.find(requestId);
    if (found || this.writer.buffered === 0) return found;
    await this.writer.flush();
    return this.traces.find(requestId);
  }
}

function mayRate(principal: Principal, trace: RouterTraceRecord): boolean {
  return ADMIN_KINDS.has(principal.kind) || trace.keyId === principal.keyId;
}

function viewOf(record: RouterFeedbackRecord): FeedbackView {
  return {
    object: 'feedback',
    request_id: record.requestId,
    score: record.score,
    comment: record.comment,
    created_at: record.createdAt.toISOString(),
    updated_at: record.updatedAt.toISOString(),
  };
}
