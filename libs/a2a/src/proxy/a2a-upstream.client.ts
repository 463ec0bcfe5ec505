import { Injectable } from '@nestjs/common';
import type { A2aAgentRecord } from '@routeiq/persistence';
import { OutboundException, SafeOutboundClient } from '@routeiq/security';
import type { IncomingHttpHeaders } from 'node:http';
import type { Dispatcher } from 'undici';
import { A2aConfig } from '../a2a.config';
import { A2aException } from '../a2a.exception';

/** One JSON-RPC request to an agent, already in the agent's protocol version. */
export interface A2aUpstreamRequest {
  readonly agent: A2aAgentRecord;
  readonly body: string;
  readonly streaming: boolean;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
  /** Protocol, extension and `traceparent` headers; they win over the agent's static headers. */
  readonly headers: Readonly<Record<string, string>>;
}

/** The agent's answer, its body still to read. */
export interface A2aUpstreamAnswer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: Dispatcher.ResponseData['body'];
  /** Streams: call on every chunk; the timeout becomes an idle timeout once headers arrived. */
  readonly activity: () => void;
  /** Stops the timer: call when the body was read or dropped. */
  readonly finish: () => void;
  /** Whether the timeout ended the call (a body read then fails). */
  readonly timedOut: () => boolean;
  readonly timeoutMs: number;
}

/**
 * Sends JSON-RPC requests to agents over SafeOutboundClient: every call is SSRF-checked and
 * pinned, `dispatcher.request` rather than fetch (see libs/mcp/src/upstream/pinned-request.ts),
 * redirects refused, the agent's credentials attached, and a timeout (`timeoutMs` of the agent,
 * else `A2A_REQUEST_TIMEOUT_MS`) that for streams restarts on every chunk.
 */
@Injectable()
export class A2aUpstreamClient {
  constructor(
    private readonly outbound: SafeOutboundClient,
    private readonly config: A2aConfig,
  ) {}

  /**
   * @throws A2aException `a2a_upstream_error` (502: refused URL, unreachable, redirect) or
   * `a2a_upstream_timeout` (504); the client's own abort is rethrown as is.
   */
  async send(request: A2aUpstreamRequest): Promise<A2aUpstreamAnswer> {
    const { agent } = request;
    const timeoutMs = agent.timeoutMs ?? this.config.requestTimeoutMs;
    const timer = new RestartableTimeout(timeoutMs);
    const signal = AbortSignal.any([request.signal, timer.signal]);
    try {
      const { target, dispatcher } = await this.outbound.prepare(agent.url);
      const res = await dispatcher.request({
        origin: target.url.origin,
        path: target.url.pathname + target.url.search,
        method: 'POST',
        headers: this.headersFor(request),
        body: request.body,
        signal,
      });
      if (res.statusCode >= 300 && res.statusCode < 400) {
        await res.body.dump().catch(() => undefined);
        throw A2aException.upstreamError(agent.agentId, `it answered HTTP ${res.statusCode}`);
      }
      res.body.once('close', () => timer.clear());
      return {
        status: res.statusCode,
        headers: res.headers,
        body: res.body,
        activity: () => timer.restart(),
        finish: () => timer.clear(),
        timedOut: () => timer.fired,
        timeoutMs,
      };
    } catch (error) {
      timer.clear();
      throw this.failure(agent.agentId, error, request.signal, timer, timeoutMs);
    }
  }

  /** Maps a failure before the answer's headers arrived. */
  private failure(
    agentId: string,
    error: unknown,
    clientSignal: AbortSignal,
    timer: { readonly fired: boolean },
    timeoutMs: number,
  ): unknown {
    if (error instanceof A2aException || clientSignal.aborted) return error;
    if (timer.fired) return A2aException.upstreamTimeout(agentId, timeoutMs);
    // The SSRF guard refused the agent's address (e.g. its name now resolves to a private one):
    // `ssrf_blocked`, as at registration and on the MCP routes.
    if (error instanceof OutboundException) return error;
    return A2aException.upstreamError(agentId, 'the agent could not be reached', error);
  }

  private headersFor(request: A2aUpstreamRequest): Record<string, string> {
    const { agent } = request;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(agent.staticHeaders)) {
      if (name.toLowerCase() !== 'host') headers[name.toLowerCase()] = value;
    }
    const secret = agent.authValue;
    if (agent.authType === 'bearer_token' && secret) headers.authorization = `Bearer ${secret}`;
    if (agent.authType === 'api_key' && secret) {
      headers[(agent.apiKeyHeader ?? 'X-API-Key').toLowerCase()] = secret;
    }
    return {
      ...headers,
      ...request.headers,
      'content-type': 'application/json',
      accept: request.streaming ? 'text/event-stream, application/json' : 'application/json',
    };
  }
}

/** An abort signal that fires `ms` after the last `restart`. */
class RestartableTimeout {
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  fired = false;

  constructor(private readonly ms: number) {
    this.restart();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  restart(): void {
    if (this.fired) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.fired = true;
      this.controller.abort(new Error(`timed out after ${this.ms} ms`));
    }, this.ms);
    this.timer.unref();
  }

  clear(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
