import { Injectable } from '@nestjs/common';
import { sendJson } from '@routeiq/common';
import { A2aException } from '../a2a.exception';
import type { A2aForwardCall, A2aForwardOutcome } from './a2a-forward.types';
import { isRecord } from './a2a-json-rpc';
import { ownedIdsIn } from './a2a-methods';
import { relayableHeaders } from './a2a-response-headers';
import { A2aStreamRelay } from './a2a-stream.relay';
import { A2aTaskOwnershipService } from './a2a-task-ownership.service';
import { A2aTranslator } from './a2a-translator';
import { A2aUpstreamClient, type A2aUpstreamAnswer } from './a2a-upstream.client';

/** Larger JSON answers are refused: a JSON-RPC result is read whole before it is relayed. */
const MAX_JSON_BYTES = 10 * 1024 * 1024;

/**
 * Sends a planned call and relays the answer: JSON read whole (translated when versions differ,
 * `ListTasks` filtered), event streams through `A2aStreamRelay`; task and context ids in results
 * are recorded as the caller's before the answer is sent.
 */
@Injectable()
export class A2aForwarderService {
  constructor(
    private readonly upstream: A2aUpstreamClient,
    private readonly ownership: A2aTaskOwnershipService,
    private readonly translator: A2aTranslator,
    private readonly streams: A2aStreamRelay,
  ) {}

  /** @throws A2aException (502/504) when the call failed before anything was written. */
  async forward(call: A2aForwardCall): Promise<A2aForwardOutcome> {
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
    const { agentId } = call.agent;
    const text = await readText(answer).catch((error: unknown) => {
      if (answer.timedOut()) throw A2aException.upstreamTimeout(agentId, answer.timeoutMs);
      if (call.signal.aborted) throw error;
      throw A2aException.upstreamError(agentId, 'its answer could not be read', error);
    });
    const message = parseResponse(text);
    if (!message) {
      const detail = ok(answer.status)
        ? 'it did not answer with a JSON-RPC response'
        : `it answered HTTP ${answer.status}`;
      throw A2aException.upstreamError(agentId, detail);
    }
    const body = await this.callerMessage(call, message);
    sendJson(call.res, answer.status, body, {
      ...(relayableHeaders(answer.headers) as Record<string, string>),
      ...call.replyHeaders,
    });
    return isRecord(body.error)
      ? { status: 'error', errorType: String(body.error.code) }
      : { status: 'ok' };
  }

  /** The agent's response in the caller's version, its tasks recorded or filtered. */
  private async callerMessage(
    call: A2aForwardCall,
    message: Record<string, unknown>,
  ): Promise<Record<string, unknown>> {
    const { plan, agent, keyId } = call;
    if (!('result' in message)) return message;
    if (plan.spec.createsTasks) {
      await this.ownership.claim(agent, ownedIdsIn(message.result), keyId);
    }
    let result = this.translator.result(
      plan.method,
      message.result,
      plan.agentVersion,
      plan.callerVersion,
    );
    if (plan.spec.listsTasks) result = await this.ownership.filterList(agent, result, keyId);
    return { ...message, result };
  }
}

function ok(status: number): boolean {
  return status >= 200 && status < 300;
}

function isEventStream(contentType: string | string[] | undefined): boolean {
  return (
    typeof contentType === 'string' && contentType.toLowerCase().startsWith('text/event-stream')
  );
}

/** A JSON-RPC 2.0 response object, or undefined. */
function parseResponse(text: string): Record<string, unknown> | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || parsed.jsonrpc !== '2.0') return undefined;
  return 'result' in parsed || isRecord(parsed.error) ? parsed : undefined;
}

async function readText(answer: A2aUpstreamAnswer): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of answer.body as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_JSON_BYTES) {
        answer.body.destroy();
        throw new Error(`answer larger than ${MAX_JSON_BYTES} bytes`);
      }
      chunks.push(chunk);
    }
  } finally {
    answer.finish();
  }
  return Buffer.concat(chunks).toString('utf8');
}
