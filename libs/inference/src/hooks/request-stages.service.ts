import { Injectable, Optional } from '@nestjs/common';
import { ResponseCache, type CacheLookupInput } from '@routeiq/cache';
import type { GatewayRequest } from '@routeiq/common';
import { PluginPipeline } from '@routeiq/plugins';
import type {
  InferenceEndpoint,
  InferenceOperation,
  InferenceRequestShape,
} from '../inference-operation';
import { CacheHitResponder } from './cache-hit.responder';
import { RequestStage } from './request-stage';

/** What the response cache keys a request on. */
export function cacheInput(
  endpoint: InferenceEndpoint,
  request: InferenceRequestShape,
  req: GatewayRequest,
  stream: boolean,
): CacheLookupInput {
  const cacheControl = req.headers['cache-control'];
  return {
    endpoint,
    request: request as unknown as Record<string, unknown>,
    stream,
    teamId: req.principal?.teamId,
    keyId: req.principal?.keyId,
    guardrails: req.principal?.guardrails,
    cacheControl: Array.isArray(cacheControl) ? cacheControl.join(', ') : cacheControl,
  };
}

/**
 * The plugin and response-cache stages of the request path. `begin` returns nothing when neither
 * takes part in a request (no plugin on the request path, and the cache off or the request not
 * cacheable), so such a request costs a check or two and no allocation.
 */
@Injectable()
export class RequestStages {
  constructor(
    readonly plugins: PluginPipeline,
    readonly hits: CacheHitResponder,
    @Optional() readonly cache?: ResponseCache,
  ) {}

  begin<TRequest extends InferenceRequestShape>(
    op: InferenceOperation<TRequest, object, object>,
    body: unknown,
    request: TRequest,
    req: GatewayRequest,
    signal: AbortSignal,
  ): RequestStage<TRequest> | undefined {
    const stream = request.stream === true && op.stream !== undefined;
    if (this.plugins.active) {
      return new RequestStage(this, { op, req, request, stream, signal, body });
    }
    if (this.cache === undefined || op.cacheable?.(request) === false) return undefined;
    const plan = this.cache.plan(cacheInput(op.endpoint, request, req, stream));
    if (plan === undefined) return undefined;
    return new RequestStage(this, { op, req, request, stream, signal, plan });
  }

  /** Plugins only, never the cache: the hosted tool loop (its turns run tools with effects). */
  beginUncached<TRequest extends InferenceRequestShape>(
    op: InferenceOperation<TRequest, object, object>,
    body: unknown,
    request: TRequest,
    req: GatewayRequest,
    signal: AbortSignal,
  ): RequestStage<TRequest> | undefined {
    if (!this.plugins.active) return undefined;
    const stream = request.stream === true;
    return new RequestStage(this, { op, req, request, stream, signal, body, uncached: true });
  }
}
