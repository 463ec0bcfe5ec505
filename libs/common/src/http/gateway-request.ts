import type { IncomingMessage, ServerResponse } from 'node:http';

/** Who is calling: resolved by the auth guard, read by everything after it. */
export interface Principal {
  /** `master` for the master key, `admin` for an admin key, `virtual` for a key made by /key/generate. */
  readonly kind: 'master' | 'admin' | 'virtual';
  /** Stable, non-secret identifier of the credential (a key hash prefix, or the virtual key's id). */
  readonly keyId: string;
  /** The virtual key's alias, when it has one. */
  readonly keyAlias?: string;
  /** Team and user of a virtual key, from the verified key record (never from client headers). */
  readonly teamId?: string;
  readonly userId?: string;
  /**
   * Guardrail names the key's (else its team's) `metadata.guardrails` selects: when set, only these
   * guardrails run for the caller, in place of every enabled one.
   */
  readonly guardrails?: readonly string[];
}

/**
 * The raw Node request as the gateway sees it. Express adds more, but the request path only relies
 * on these fields so the HTTP platform stays a detail.
 */
export interface GatewayRequest extends IncomingMessage {
  id: string;
  body?: unknown;
  principal?: Principal;
  /** Express-provided path without the query string. */
  path?: string;
  /** What an audited control-plane handler acted on, for the audit record. */
  audit?: AuditNote;
  /** The client's address when trusted proxies are configured (see `clientIpOf`). */
  clientIp?: string;
  /** `performance.now()` when the request arrived (set on the raw server, before routing). */
  receivedAt?: number;
  /** Milliseconds spent waiting on upstreams so far: not the gateway's own overhead. */
  upstreamMs?: number;
  /** The HTTP server span's trace context when tracing is on (an OpenTelemetry `Context`). */
  traceContext?: unknown;
  /** The gateway's own server span when it makes one (observability's `ServerSpan`). */
  serverSpan?: unknown;
  /** Trace and span id of the server span when tracing is on, for log lines. */
  traceIds?: TraceIds;
  /** What served an inference request: for the access log and the request metrics. */
  served?: ServedNote;
  /** How the request failed, when it did (set by the exception filters). */
  failure?: FailureNote;
}

export interface TraceIds {
  readonly traceId: string;
  readonly spanId: string;
  /** Both are known to be hex (the gateway's own spans): log lines need not check them. */
  readonly hex?: boolean;
}

export interface ServedNote {
  /** The model group the client asked for. */
  model: string;
  deployment?: string;
  promptTokens?: number;
  completionTokens?: number;
  stream?: boolean;
  /** Overhead (ms) when the response headers went out (streams keep relaying after that). */
  overheadMs?: number;
}

export interface FailureNote {
  readonly status: number;
  readonly code: string;
}

export interface AuditNote {
  resourceId?: string;
  /** Small, non-secret facts (never bodies, keys or tokens). */
  metadata?: Record<string, unknown>;
}

/** Names the resource an audited handler acted on (see `@Audited`). */
export function noteAuditResource(
  req: GatewayRequest,
  resourceId: string,
  metadata?: Record<string, unknown>,
): void {
  req.audit = { resourceId, ...(metadata && { metadata }) };
}

export type GatewayResponse = ServerResponse;
