import { Injectable } from '@nestjs/common';
import { A2aException } from '../a2a.exception';
import type { A2aForwardCall, A2aForwardOutcome } from './a2a-forward.types';
import { readJsonAnswer, sendJsonAnswer } from './a2a-json-answer';
import { A2aPageTokenCodec, type A2aListScope } from './a2a-page-token.codec';
import {
  A2A_LIST_TASKS_MAX_UPSTREAM_PAGES,
  collectOwnTasks,
  taskPageOf,
  type A2aListingPlan,
  type A2aListingSource,
  type A2aListRequest,
  type A2aOwnListing,
  type A2aPageAnswer,
} from './a2a-task-listing';
import { A2aTaskOwnershipService } from './a2a-task-ownership.service';
import { A2aUpstreamClient, type A2aUpstreamAnswer } from './a2a-upstream.client';

/**
 * `ListTasks` for the caller's own tasks: reads the agent's pages (same filters) until the
 * caller's page is full, the listing ends, or `A2A_LIST_TASKS_MAX_UPSTREAM_PAGES` were read, and
 * answers with a gateway page token that resumes right after the last task returned.
 */
@Injectable()
export class A2aTaskLister {
  constructor(
    private readonly upstream: A2aUpstreamClient,
    private readonly ownership: A2aTaskOwnershipService,
    private readonly tokens: A2aPageTokenCodec,
  ) {}

  /** @throws A2aException (502/504) when a page could not be read; nothing was written then. */
  async list(call: A2aForwardCall, plan: A2aListingPlan): Promise<A2aForwardOutcome> {
    let last: A2aUpstreamAnswer | undefined;
    const source: A2aListingSource = {
      page: async (token, pageSize) => {
        // Between pages too: a client that left gets no more of the agent's pages read.
        call.signal.throwIfAborted();
        last = await this.upstream.send({
          agent: call.agent,
          body: pageRequest(call, plan.request, token, pageSize),
          streaming: false,
          signal: call.signal,
          headers: call.upstreamHeaders,
        });
        return this.pageAnswer(call, last);
      },
      mine: (tasks) => this.ownership.ownedAmong(call.agent, tasks, call.keyId),
    };
    const outcome = await collectOwnTasks(
      {
        start: plan.start,
        fromStart: plan.request.pageToken === undefined,
        pageSize: plan.request.pageSize,
        maxPages: A2A_LIST_TASKS_MAX_UPSTREAM_PAGES,
      },
      source,
    );
    const body =
      'failure' in outcome
        ? outcome.failure
        : { jsonrpc: '2.0', id: call.plan.id, result: this.result(outcome.listing, plan.scope) };
    // `last` is set: collectOwnTasks reads at least one page or throws.
    return sendJsonAnswer(call, last!, body);
  }

  private async pageAnswer(
    call: A2aForwardCall,
    answer: A2aUpstreamAnswer,
  ): Promise<A2aPageAnswer> {
    const { agentId } = call.agent;
    const message = await readJsonAnswer(agentId, answer, call.signal);
    if (!('result' in message)) return { failure: message };
    try {
      return { page: taskPageOf(message.result) };
    } catch (error) {
      throw A2aException.upstreamError(agentId, (error as Error).message);
    }
  }

  private result(listing: A2aOwnListing, scope: A2aListScope): Record<string, unknown> {
    const { tasks, next, pageSize, totalSize } = listing;
    return {
      tasks,
      nextPageToken: next ? this.tokens.seal(next, scope) : '',
      pageSize,
      // Only when this request read the agent's whole listing: a count of one page would be wrong.
      ...(totalSize !== undefined && { totalSize }),
    };
  }
}

/** The agent's page `token` (`''`: its first), with the caller's filters and options. */
function pageRequest(
  call: A2aForwardCall,
  request: A2aListRequest,
  token: string,
  pageSize: number | null,
): string {
  const params = {
    ...request.params,
    ...(token !== '' && { pageToken: token }),
    ...(pageSize !== null && { pageSize }),
  };
  return JSON.stringify({ jsonrpc: '2.0', id: call.plan.id, method: call.plan.method, params });
}
