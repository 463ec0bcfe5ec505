import { Injectable, Logger } from '@nestjs/common';
import type { GatewayResponse } from '@routeiq/common';
import { once } from 'node:events';
import { A2aErrorCode, A2aRpcCode } from '../a2a.exception';
import type { A2aForwardCall, A2aForwardOutcome } from './a2a-forward.types';
import { isRecord, rpcErrorBody } from './a2a-json-rpc';
import { ownedIdsIn } from './a2a-methods';
import { relayableHeaders, SSE_RESPONSE_HEADERS } from './a2a-response-headers';
import { formatSseEvent, SseParser, type SseEvent } from './a2a-sse.parser';
import { A2aTaskOwnershipService } from './a2a-task-ownership.service';
import { A2aTranslator } from './a2a-translator';
import type { A2aUpstreamAnswer } from './a2a-upstream.client';

/** The `message` of the error event that ends a stream the gateway could not finish. */
export const A2A_STREAM_BROKE_MESSAGE = "The agent's event stream broke off before it ended";
export const A2A_STREAM_TIMED_OUT_MESSAGE = "The agent's event stream timed out";
export const A2A_STREAM_FAILED_MESSAGE = "The gateway could not relay the agent's event stream";

/** Why a stream ended early: the error event's message and the call's `error.type`. */
const STREAM_FAILURES = {
  broke: { message: A2A_STREAM_BROKE_MESSAGE, errorType: A2aErrorCode.UpstreamError },
  timeout: { message: A2A_STREAM_TIMED_OUT_MESSAGE, errorType: A2aErrorCode.UpstreamTimeout },
  internal: { message: A2A_STREAM_FAILED_MESSAGE, errorType: 'internal_error' },
} as const;

/** What one stream has seen so far. */
interface StreamState {
  readonly tasks: Set<string>;
  readonly contexts: Set<string>;
  sawError: boolean;
  /** Waiting for the agent's next chunk (a failure then is the agent's), else handling one. */
  reading: boolean;
  /** What the client got so far stops inside an event (only ever when relaying bytes as is). */
  clientMidEvent: boolean;
}

/**
 * Relays an agent's event stream. Every chunk is parsed as it arrives, and the tasks and contexts
 * of the events it completes are recorded as the caller's before the client sees them. Same
 * version: the chunk is then written unchanged. Different versions: each completed JSON-RPC
 * response is translated. A stream the agent breaks off ends with a JSON-RPC error event.
 */
@Injectable()
export class A2aStreamRelay {
  private readonly logger = new Logger('A2aStreamRelay');

  constructor(
    private readonly ownership: A2aTaskOwnershipService,
    private readonly translator: A2aTranslator,
  ) {}

  /** Resolves once the stream is over, however it ended, with the tasks and contexts it named. */
  async relay(call: A2aForwardCall, answer: A2aUpstreamAnswer): Promise<A2aForwardOutcome> {
    const state = newState();
    const outcome = await this.pump(call, answer, state);
    return { ...outcome, ids: { tasks: [...state.tasks], contexts: [...state.contexts] } };
  }

  private async pump(
    call: A2aForwardCall,
    answer: A2aUpstreamAnswer,
    state: StreamState,
  ): Promise<A2aForwardOutcome> {
    const { res, plan } = call;
    res.writeHead(answer.status, {
      ...relayableHeaders(answer.headers),
      ...call.replyHeaders,
      ...SSE_RESPONSE_HEADERS,
    });
    res.flushHeaders();
    const translate = plan.callerVersion !== plan.agentVersion;
    const parser = new SseParser();
    try {
      for await (const chunk of answer.body as AsyncIterable<Buffer>) {
        state.reading = false;
        answer.activity();
        const texts = await this.onEvents(call, parser.push(chunk), state);
        const out = translate ? texts.join('') : chunk;
        if (out.length > 0) await write(res, out, call.signal);
        state.clientMidEvent = !translate && parser.midEvent;
        state.reading = true;
      }
      return state.sawError ? { status: 'error', errorType: 'stream_error' } : { status: 'ok' };
    } catch (error) {
      if (call.signal.aborted || clientGone(res)) return { status: 'cancelled' };
      return this.broken(call, answer, state, error);
    } finally {
      answer.finish();
      if (!answer.body.destroyed) answer.body.destroy();
      if (!clientGone(res)) res.end();
    }
  }

  /** Records the new tasks and contexts of `events`; returns them in the caller's version. */
  private async onEvents(
    call: A2aForwardCall,
    events: readonly SseEvent[],
    state: StreamState,
  ): Promise<string[]> {
    if (events.length === 0) return [];
    const messages = events.map((event) => parseJson(event.data));
    if (call.plan.spec.createsTasks) await this.claimNew(call, messages, state);
    return events.map((event, index) => this.callerEvent(call, event, messages[index], state));
  }

  private async claimNew(
    call: A2aForwardCall,
    messages: readonly unknown[],
    state: StreamState,
  ): Promise<void> {
    const tasks: string[] = [];
    const contexts: string[] = [];
    for (const message of messages) {
      if (!isRecord(message) || !('result' in message)) continue;
      const ids = ownedIdsIn(message.result);
      tasks.push(...ids.tasks.filter((id) => added(state.tasks, id)));
      contexts.push(...ids.contexts.filter((id) => added(state.contexts, id)));
    }
    if (tasks.length + contexts.length === 0) return;
    await this.ownership.claim(call.agent, { tasks, contexts }, call.keyId);
  }

  private callerEvent(
    call: A2aForwardCall,
    event: SseEvent,
    message: unknown,
    state: StreamState,
  ): string {
    const { plan } = call;
    if (!isRecord(message) || !('result' in message)) {
      state.sawError ||= isRecord(message) && 'error' in message;
      return formatSseEvent(event);
    }
    if (plan.callerVersion === plan.agentVersion) return '';
    const result = this.translator.streamEvent(
      message.result,
      plan.agentVersion,
      plan.callerVersion,
    );
    return formatSseEvent({ ...event, data: JSON.stringify({ ...message, result }) });
  }

  /**
   * Ends a stream that failed after its headers went out with a JSON-RPC `-32603` error event,
   * the caller's request id, and no detail of the cause.
   */
  private broken(
    call: A2aForwardCall,
    answer: A2aUpstreamAnswer,
    state: StreamState,
    error: unknown,
  ): A2aForwardOutcome {
    const cause = !state.reading ? 'internal' : answer.timedOut() ? 'timeout' : 'broke';
    if (cause === 'internal') {
      this.logger.warn(`stream to ${call.agent.agentId} failed: ${messageOf(error)}`);
    }
    const { message, errorType } = STREAM_FAILURES[cause];
    const body = rpcErrorBody(call.plan.id, { code: A2aRpcCode.InternalError, message });
    // Bytes of an event the agent left unfinished already reached the client: a blank line closes
    // that event first, so the error is an event of its own.
    call.res.write(
      `${state.clientMidEvent ? '\n\n' : ''}${formatSseEvent({ data: JSON.stringify(body) })}`,
    );
    return { status: 'upstream_error', errorType };
  }
}

function newState(): StreamState {
  const state = { sawError: false, reading: true, clientMidEvent: false };
  return { tasks: new Set(), contexts: new Set(), ...state };
}

/** Writes with backpressure; rejects when the client goes away while the socket is full. */
async function write(
  res: GatewayResponse,
  data: Buffer | string,
  signal: AbortSignal,
): Promise<void> {
  if (clientGone(res)) throw new Error('client gone');
  if (!res.write(data)) await once(res, 'drain', { signal });
}

function clientGone(res: GatewayResponse): boolean {
  return res.writableEnded || res.destroyed;
}

function added(seen: Set<string>, id: string): boolean {
  if (seen.has(id)) return false;
  seen.add(id);
  return true;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
