import { Injectable } from '@nestjs/common';
import type { GatewayResponse } from '@routeiq/common';
import { once } from 'node:events';
import { A2aErrorCode } from '../a2a.exception';
import type { A2aForwardCall, A2aForwardOutcome } from './a2a-forward.types';
import { isRecord } from './a2a-json-rpc';
import { taskIdsIn } from './a2a-methods';
import { relayableHeaders, SSE_RESPONSE_HEADERS } from './a2a-response-headers';
import { formatSseEvent, SseParser, type SseEvent } from './a2a-sse.parser';
import { A2aTaskOwnershipService } from './a2a-task-ownership.service';
import { A2aTranslator } from './a2a-translator';
import type { A2aUpstreamAnswer } from './a2a-upstream.client';

/** What one stream has seen so far. */
interface StreamState {
  readonly claimed: Set<string>;
  sawError: boolean;
}

/**
 * Relays an agent's event stream. Same version: every chunk is written as it arrives (a copy is
 * parsed only to learn the caller's new tasks). Different versions: events are parsed as they
 * complete and each JSON-RPC response is translated.
 */
@Injectable()
export class A2aStreamRelay {
  constructor(
    private readonly ownership: A2aTaskOwnershipService,
    private readonly translator: A2aTranslator,
  ) {}

  async relay(call: A2aForwardCall, answer: A2aUpstreamAnswer): Promise<A2aForwardOutcome> {
    const { res, plan } = call;
    res.writeHead(answer.status, {
      ...relayableHeaders(answer.headers),
      ...call.replyHeaders,
      ...SSE_RESPONSE_HEADERS,
    });
    res.flushHeaders();
    const translate = plan.callerVersion !== plan.agentVersion;
    const parser = translate || plan.spec.createsTasks ? new SseParser() : undefined;
    const state: StreamState = { claimed: new Set(), sawError: false };
    try {
      for await (const chunk of answer.body as AsyncIterable<Buffer>) {
        answer.activity();
        if (!translate) await write(res, chunk, call.signal);
        for (const event of parser?.push(chunk) ?? []) {
          const text = await this.onEvent(call, event, state);
          if (translate) await write(res, text, call.signal);
        }
      }
      return state.sawError ? { status: 'error', errorType: 'stream_error' } : { status: 'ok' };
    } catch {
      if (call.signal.aborted) return { status: 'cancelled' };
      const timedOut = answer.timedOut();
      return {
        status: 'upstream_error',
        errorType: timedOut ? A2aErrorCode.UpstreamTimeout : A2aErrorCode.UpstreamError,
      };
    } finally {
      answer.finish();
      if (!answer.body.destroyed) answer.body.destroy();
      if (!res.writableEnded && !res.destroyed) res.end();
    }
  }

  /** Records the event's new tasks; returns it in the caller's version. */
  private async onEvent(
    call: A2aForwardCall,
    event: SseEvent,
    state: StreamState,
  ): Promise<string> {
    const { plan, agent, keyId } = call;
    const message = parseJson(event.data);
    if (!isRecord(message) || !('result' in message)) {
      state.sawError ||= isRecord(message) && 'error' in message;
      return formatSseEvent(event);
    }
    if (plan.spec.createsTasks) {
      const fresh = taskIdsIn(message.result).filter((id) => !state.claimed.has(id));
      fresh.forEach((id) => state.claimed.add(id));
      if (fresh.length > 0) await this.ownership.claim(agent.agentId, fresh, keyId);
    }
    if (plan.callerVersion === plan.agentVersion) return '';
    const result = this.translator.streamEvent(
      message.result,
      plan.agentVersion,
      plan.callerVersion,
    );
    return formatSseEvent({ ...event, data: JSON.stringify({ ...message, result }) });
  }
}

/** Writes with backpressure; rejects when the client goes away while the socket is full. */
async function write(
  res: GatewayResponse,
  data: Buffer | string,
  signal: AbortSignal,
): Promise<void> {
  if (res.writableEnded || res.destroyed) throw new Error('client gone');
  if (!res.write(data)) await once(res, 'drain', { signal });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
