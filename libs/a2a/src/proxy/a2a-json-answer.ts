import { sendJson } from '@routeiq/common';
import { A2aException } from '../a2a.exception';
import type { A2aForwardCall, A2aForwardOutcome } from './a2a-forward.types';
import { isRecord } from './a2a-json-rpc';
import { relayableHeaders } from './a2a-response-headers';
import type { A2aUpstreamAnswer } from './a2a-upstream.client';

/** Larger JSON answers are refused: a JSON-RPC result is read whole before it is relayed. */
const MAX_JSON_BYTES = 10 * 1024 * 1024;

/**
 * An agent's JSON-RPC response (a `result` or an `error`), read whole.
 * @throws A2aException 504 when the timeout ended the read, 502 for an answer that could not be
 * read or is not a JSON-RPC response; the client's own abort as is.
 */
export async function readJsonAnswer(
  agentId: string,
  answer: A2aUpstreamAnswer,
  signal: AbortSignal,
): Promise<Record<string, unknown>> {
  const text = await readText(answer).catch((error: unknown) => {
    if (answer.timedOut()) throw A2aException.upstreamTimeout(agentId, answer.timeoutMs);
    if (signal.aborted) throw error;
    throw A2aException.upstreamError(agentId, 'its answer could not be read', error);
  });
  const message = parseResponse(text);
  if (!message) {
    const detail = ok(answer.status)
      ? 'it did not answer with a JSON-RPC response'
      : `it answered HTTP ${answer.status}`;
    throw A2aException.upstreamError(agentId, detail);
  }
  return message;
}

/** Writes `body` to the caller with the agent's status and relayable headers. */
export function sendJsonAnswer(
  call: A2aForwardCall,
  answer: A2aUpstreamAnswer,
  body: Record<string, unknown>,
): A2aForwardOutcome {
  sendJson(call.res, answer.status, body, {
    ...(relayableHeaders(answer.headers) as Record<string, string>),
    ...call.replyHeaders,
  });
  return isRecord(body.error)
    ? { status: 'error', errorType: String(body.error.code) }
    : { status: 'ok' };
}

function ok(status: number): boolean {
  return status >= 200 && status < 300;
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
