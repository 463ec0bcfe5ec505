import type { ProviderCapability, ResolvedDeployment } from '@routeiq/providers';

export { lazyRoutingPrompt, routingPromptOf, ROUTING_PROMPT_MAX_CHARS } from './routing-prompt';

/**
 * What the router needs to know about one request. The prompt text only through `prompt`, which
 * builds it when a strategy asks (learned routers); nothing else reads or keeps it.
 */
export interface RouteRequest {
  /** The model the client asked for: a group name or an alias. */
  readonly model: string;
  readonly capability: ProviderCapability;
  /** Capabilities beyond `capability` (streaming, tools, vision). */
  readonly needs: readonly ProviderCapability[];
  /** A deployment the request should go back to while it is eligible (continuations). */
  readonly preferredId?: string;
  readonly stream: boolean;
  readonly requestId: string;
  /** A/B bucket keys: the caller's team and user, when known. */
  readonly tenant?: string;
  readonly user?: string;
  /** Input plus expected output tokens, for tpm headroom and cost. */
  readonly estimatedTokens: number;
  /** Whether the caller may use a fallback group (its key's model access). */
  readonly allowsModel: (group: string) => boolean;
  /** The request's own deadline (`timeout` in the body, seconds → ms); else the router's. */
  readonly timeoutMs?: number;
  /** The request's own `num_retries`; else `router_settings.num_retries`. */
  readonly numRetries?: number;
  /** The request's ids for log lines the routing writes on its behalf (breakers, cooldowns). */
  readonly logFields?: () => LogFields;
  /**
   * The text a learned router judges (`routingPromptOf`): the last user turn and the system
   * prompt, at most `ROUTING_PROMPT_MAX_CHARS`. Lazy, so other strategies pay nothing. Never
   * logged, never in decision records.
   */
  readonly prompt?: () => string | undefined;
  /** The caller's key id (`Principal.keyId`): routing traces, and who may rate the answer. */
  readonly keyId?: string;
}

/** Request ids of a log line (`request_id`, `trace_id`, `key_alias`, …). */
export type LogFields = Readonly<Record<string, string | undefined>>;

/**
 * One upstream call on `deployment`. For a stream it resolves once the first content has arrived
 * (nothing has been sent to the client yet), so any failure before that can still move on to
 * another deployment. `signal` aborts on client disconnect and at the request's deadline.
 */
export type RouteAttempt<T> = (deployment: ResolvedDeployment, signal: AbortSignal) => Promise<T>;

/** How the request ended, reported once by the caller when the response is complete. */
export interface RouteCompletion {
  readonly ok: boolean;
  /** Tokens used (counted against the deployment's tpm). */
  readonly tokens: number;
  /** Set when the stream failed after its first byte: counted against the deployment. */
  readonly error?: unknown;
  /** `performance.now()` when the first byte went to the client (streams). */
  readonly firstByteAt?: number;
  /** The answer's prompt and completion tokens (routing traces price them). */
  readonly usage?: { readonly promptTokens: number; readonly completionTokens: number };
}
