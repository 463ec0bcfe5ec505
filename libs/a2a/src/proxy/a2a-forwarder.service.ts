import { Injectable } from '@nestjs/common';
import type { A2aForwardCall, A2aForwardOutcome } from './a2a-forward.types';
import { readJsonAnswer, sendJsonAnswer } from './a2a-json-answer';
import { ownedIdsIn } from './a2a-methods';
import { A2aStreamRelay } from './a2a-stream.relay';
import { A2aTaskLister } from './a2a-task.lister';
import { A2aTaskOwnershipService } from './a2a-task-ownership.service';
import { A2aTranslator } from './a2a-translator';
import { A2aUpstreamClient, type A2aUpstreamAnswer } from './a2a-upstream.client';

/**
 * Sends a planned call and relays the answer: JSON read whole (translated when versions differ),
 * event streams through `A2aStreamRelay`, `ListTasks` through `A2aTaskLister`; task and context
 * ids in results are recorded as the caller's before the answer is sent.
 */
@Injectable()
export class A2aForwarderService {
  constructor(
    private readonly upstream: A2aUpstreamClient,
    private readonly ownership: A2aTaskOwnershipService,
    private readonly translator: A2aTranslator,
    private readonly streams: A2aStreamRelay,
    private readonly lister: A2aTaskLister,
  ) {}

  /** @throws A2aException (502/504) when the call failed before anything was written. */
  async forward(call: A2aForwardCall): Promise<A2aForwardOutcome> {
    if (call.plan.listing) return this.lister.list(call, call.plan.listing);
    const answer = await this.upstream.send({
      agent: call.agent,
      body: call.plan.upstreamBody,
      streaming: call.plan.spec.streaming,
      signal: call.signal,
      headers: call.upstreamHeaders,
    });
    if (call.plan.spec.streaming && isEventStream(answer.headers['content-type'])) {
      return this.streams.relay(call, answer);
    }
    return this.relayJson(call, answer);
  }

  private async relayJson(
    call: A2aForwardCall,
    answer: A2aUpstreamAnswer,
  ): Promise<A2aForwardOutcome> {
    const message = await readJsonAnswer(call.agent.agentId, answer, call.signal);
    const outcome = sendJsonAnswer(call, answer, await this.callerMessage(call, message));
    return 'result' in message ? { ...outcome, ids: ownedIdsIn(message.result) } : outcome;
  }

  /** The agent's response in the caller's version, its tasks recorded. */
  private async callerMessage(
    call: A2aForwardCall,
    message: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const { plan, agent, keyId } = call;
    if (!('result' in message)) return message;
    if (plan.spec.createsTasks) {
      await this.ownership.claim(agent, ownedIdsIn(message.result), keyId);
    }
    const result = this.translator.result(
      plan.method,
      message.result,
      plan.agentVersion,
      plan.callerVersion,
    );
    return { ...message, result };
  }
}

function isEventStream(contentType: string | string[] | undefined): boolean {
  return (
    typeof contentType === 'string' && contentType.toLowerCase().startsWith('text/event-stream')
  );
}
