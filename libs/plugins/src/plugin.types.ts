import type { GatewayException, Principal } from '@routeiq/common';
import type { GatewayConfig } from '@routeiq/config';

/** The inference endpoint a request came in on. */
export type PluginEndpoint = 'chat' | 'completion' | 'embedding' | 'messages' | 'responses';

/**
 * What a plugin declares it does; `LLMROUTER_PLUGINS_ALLOWED_CAPABILITIES` may refuse some. A hook
 * is only called when the plugin declared the capability it needs: `observe` for the notification
 * hooks, `short_circuit` for an `onRequest` answer, `modify_request` for `onLlmPreCall`,
 * `modify_response` for `onStreamChunk` and replacing a result in `onLlmSuccess`, `guardrail` for
 * refusing a request (throwing a GatewayException), `network` for plugins that call out.
 */
export type PluginCapability =
  'observe' | 'short_circuit' | 'modify_request' | 'modify_response' | 'guardrail' | 'network';

/**
 * What happens when a hook throws something other than a GatewayException (which is always an
 * intended refusal and reaches the client as it is): `continue` logs and goes on, `abort` fails
 * the request with a 500 `plugin_error`, `quarantine` logs and never calls the plugin again.
 */
export type PluginFailureMode = 'continue' | 'abort' | 'quarantine';

/** One request as plugins see it; created once per request, shared by every plugin's hooks. */
export interface PluginRequestContext {
  readonly requestId: string;
  readonly endpoint: PluginEndpoint;
  readonly stream: boolean;
  /** The verified caller (never taken from client headers). */
  readonly caller: Principal | undefined;
  /**
   * The parsed body (OpenAI shape for chat, completion and embedding; the endpoint's own shape for
   * messages and responses). `onLlmPreCall` may change it in place.
   */
  readonly request: Record<string, unknown>;
  /** Headers added to the answer (before its first byte); e.g. a guardrail's warning. */
  readonly responseHeaders: Record<string, string>;
  /** Per-request scratch space, keyed by plugin name. */
  readonly state: Map<string, unknown>;
  /** Aborts when the client goes away. */
  readonly signal: AbortSignal;
}

/** An answer a plugin gives instead of the provider's (`onRequest` with `short_circuit`). */
export interface PluginAnswer {
  readonly status: number;
  readonly body: object;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A successful provider call, as `onLlmSuccess` sees it. */
export interface PluginLlmSuccess {
  readonly deploymentId: string;
  readonly provider: string;
  readonly modelGroup: string;
  /**
   * Unary calls: the answer about to be written; a plugin with `modify_response` may replace it.
   * Streams: undefined (the chunks went through `onStreamChunk`; the hook runs after the end).
   */
  result: object | undefined;
  readonly usage: { readonly promptTokens: number; readonly completionTokens: number } | undefined;
  readonly latencyMs: number;
}

/** A circuit breaker or cooldown transition of one deployment. */
export interface CircuitBreakerChange {
  readonly deploymentId: string;
  readonly modelGroup: string;
  readonly from: string;
  readonly to: string;
}

/**
 * A gateway plugin: a Nest provider (built-in) or the default export of a module named in
 * `LLMROUTER_PLUGINS`. Hooks run in priority order (lower first), dependencies before dependents.
 * Every hook is optional; hooks on the request path must be fast.
 */
export interface GatewayPlugin {
  readonly name: string;
  readonly version?: string;
  readonly capabilities: readonly PluginCapability[];
  /** Names of plugins that must load (and run) before this one. */
  readonly dependsOn?: readonly string[];
  /** Lower runs first; default 1000. */
  readonly priority?: number;
  /** Default: `LLMROUTER_PLUGINS_FAILURE_MODE` (continue). */
  readonly failureMode?: PluginFailureMode;

  /** Runs once at boot, bounded by `LLMROUTER_PLUGIN_STARTUP_TIMEOUT`. */
  startup?(): Promise<void> | void;
  shutdown?(): Promise<void> | void;

  /** First hook of a request (after auth, before routing); may answer in the provider's place. */
  onRequest?(
    ctx: PluginRequestContext,
  ): PluginAnswer | undefined | Promise<PluginAnswer | undefined>;
  /** Before the provider call (and before the response cache): may change `ctx.request`. */
  onLlmPreCall?(ctx: PluginRequestContext): void | Promise<void>;
  /** After a provider answered; for unary calls before the answer is written. */
  onLlmSuccess?(ctx: PluginRequestContext, success: PluginLlmSuccess): void | Promise<void>;
  onLlmFailure?(ctx: PluginRequestContext, error: GatewayException): void | Promise<void>;
  /**
   * One streamed chunk (OpenAI chunk shape for chat/completion streams) before it is written:
   * undefined passes it on unchanged; an array replaces it (empty: hold it back for now).
   */
  onStreamChunk?(
    ctx: PluginRequestContext,
    chunk: object,
  ): readonly object[] | undefined | Promise<readonly object[] | undefined>;
  /** The upstream stream ended: chunks still held back, to write before the end. */
  onStreamEnd?(
    ctx: PluginRequestContext,
  ): readonly object[] | undefined | Promise<readonly object[] | undefined>;
  onConfigReload?(config: GatewayConfig): void | Promise<void>;
  onCircuitBreakerChange?(change: CircuitBreakerChange): void;
}

/** Multi-provider token: the built-in guardrail plugins (an array of GatewayPlugin). */
export const GUARDRAIL_PLUGINS = Symbol('GUARDRAIL_PLUGINS');
