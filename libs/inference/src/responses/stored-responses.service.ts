import { type BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { LeaderElectionService } from '@routeiq/coordination';
import { isObject } from '../dto/request-checks';
import type { ChatMessage } from '@routeiq/providers';
import { StoredResponseStore, type StoredResponseRecord } from '@routeiq/persistence';
import { toAssistantMessage, type StoredConversation } from './responses-conversation.mapper';
import type { ResponsesChatRequest } from './responses-request.mapper';
import { ResponsesConfig } from './responses.config';
import { ResponsesException } from './responses.exception';
import type { ResponsesSession } from './responses.operation';
import type { ResponsesRequest, ResponsesResponse } from './responses.types';

const FLUSH_INTERVAL_MS = 200;
const CLEANUP_INTERVAL_MS = 5 * 60_000;
/** Past this many unwritten answers (database down), new ones are dropped, not queued. */
const MAX_PENDING = 10_000;

/**
 * Keeps Responses API answers: write-behind (a request only queues its answer; a timer inserts
 * the queue in batches and never fails a request), reads see queued answers at once, and a timer
 * deletes expired rows. Every read is scoped to the caller's key: another key's id is "not found".
 * Each replica writes its own queue; the expiry sweep runs on the leader only (every replica in
 * `single` HA mode), as N replicas sweeping the same rows would only contend for them.
 */
@Injectable()
export class StoredResponsesService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('ResponsesStore');
  private pending = new Map<string, StoredResponseRecord>();
  private writing = new Map<string, StoredResponseRecord>();
  private inFlight: Promise<void> | null = null;
  private readonly flushTimer: NodeJS.Timeout;
  private readonly cleanupTimer: NodeJS.Timeout;

  constructor(
    private readonly store: StoredResponseStore,
    private readonly config: ResponsesConfig,
    private readonly leader: LeaderElectionService,
  ) {
    this.flushTimer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.flushTimer.unref();
    this.cleanupTimer = setInterval(() => void this.sweepExpired(), CLEANUP_INTERVAL_MS);
    this.cleanupTimer.unref();
  }

  /** What one `POST /v1/responses` needs of storage (see `ResponsesSession`). */
  async sessionFor(body: unknown, keyId: string): Promise<ResponsesSession> {
    const previousId = isObject(body) ? body.previous_response_id : undefined;
    let previous: StoredConversation | undefined;
    if (typeof previousId === 'string') {
      const record = await this.find(previousId, keyId);
      if (!record) throw ResponsesException.previousResponseNotFound(previousId);
      previous = {
        messages: record.messages as ChatMessage[],
        instructions: readInstructions(record.response),
        deploymentId: record.deploymentId,
      };
    }
    return {
      previous,
      willStore: (source: ResponsesRequest) => this.config.store && source.store !== false,
      completed: (request, response, deploymentId) => {
        if (response.store) this.enqueue(keyId, request, response, deploymentId);
      },
    };
  }

  async retrieve(id: string, keyId: string): Promise<Record<string, unknown>> {
    const record = await this.find(id, keyId);
    if (!record) throw ResponsesException.responseNotFound(id);
    return record.response;
  }

  async remove(id: string, keyId: string): Promise<{ id: string; object: string; deleted: true }> {
    const queued = this.pending.get(id);
    const ownQueued = queued?.keyId === keyId && queued.expiresAt > new Date();
    if (ownQueued) this.pending.delete(id);
    // The batch being inserted right now may hold it: wait so that its row can be deleted.
    if (this.writing.has(id)) await this.inFlight;
    const deleted = await this.store.delete(id, keyId, new Date());
    if (!deleted && !ownQueued) throw ResponsesException.responseNotFound(id);
    return { id, object: 'response.deleted', deleted: true };
  }

  /** Inserts what is queued. Never rejects: a failed batch is logged and dropped. */
  flush(): Promise<void> {
    if (this.inFlight) return this.inFlight;
    if (this.pending.size === 0) return Promise.resolve();
    const batch = this.pending;
    this.pending = new Map();
    // Reads keep seeing the batch until its rows are committed.
    this.writing = batch;
    this.inFlight = this.store
      .insert([...batch.values()])
      .catch((error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        this.logger.error(`storing ${batch.size} responses failed: ${reason}`);
      })
      .finally(() => {
        this.writing = new Map();
        this.inFlight = null;
      });
    return this.inFlight;
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.flushTimer);
    clearInterval(this.cleanupTimer);
    await this.inFlight;
    await this.flush();
  }

  /**
   * Deletes the expired rows when this replica is the leader (the timer's job). Resolves how many
   * were deleted (0 when the database failed), or undefined when another replica leads.
   */
  sweepExpired(): Promise<number | undefined> {
    return this.leader.runIfLeader(() => this.cleanup());
  }

  private async cleanup(): Promise<number> {
    try {
      const removed = await this.store.deleteExpired(new Date());
      if (removed > 0) this.logger.log(`deleted ${removed} expired responses`);
      return removed;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.logger.error(`deleting expired responses failed: ${reason}`);
      return 0;
    }
  }

  private async find(id: string, keyId: string): Promise<StoredResponseRecord | null> {
    const now = new Date();
    const queued = this.pending.get(id) ?? this.writing.get(id);
    if (queued) return queued.keyId === keyId && queued.expiresAt > now ? queued : null;
    return this.store.find(id, keyId, now);
  }

  private enqueue(
    keyId: string,
    request: ResponsesChatRequest,
    response: ResponsesResponse,
    deploymentId: string,
  ): void {
    if (this.pending.size >= MAX_PENDING) {
      this.logger.warn(`response ${response.id} not stored: ${MAX_PENDING} already waiting`);
      return;
    }
    const createdAt = new Date();
    this.pending.set(response.id, {
      id: response.id,
      createdAt,
      expiresAt: new Date(createdAt.getTime() + this.config.ttlSeconds * 1000),
      keyId,
      deploymentId,
      modelGroup: request.model,
      messages: [...request.messages, toAssistantMessage(response)],
      response: response as unknown as Record<string, unknown>,
    });
  }
}

function readInstructions(response: Record<string, unknown>): string | null {
  return typeof response.instructions === 'string' ? response.instructions : null;
}
