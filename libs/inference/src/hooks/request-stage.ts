import type { CachePlan, CacheStoreMeta } from '@routeiq/cache';
import {
  sendJson,
  type GatewayException,
  type GatewayRequest,
  type GatewayResponse,
} from '@routeiq/common';
import type { PluginLlmSuccess, PluginRequestContext } from '@routeiq/plugins';
import { toJson, type ResolvedDeployment } from '@routeiq/providers';
import type { InferenceOperation, InferenceRequestShape } from '../inference-operation';
import type { StreamStage } from '../stream-relay';
import type { CallOutcome } from '../usage-recorder.service';
import type { RequestStages } from './request-stages.service';
import { cacheInput } from './request-stages.service';
import { CACHE_HEADER } from './response-headers';

/** Endpoints whose plugins see the body in the endpoint's own shape (it is re-parsed after). */
const OWN_SHAPE = new Set(['messages', 'responses']);
const NO_HEADERS: Readonly<Record<string, string>> = {};

export interface StageInit<TRequest extends InferenceRequestShape> {
  readonly op: InferenceOperation<TRequest, object, object>;
  readonly req: GatewayRequest;
  readonly request: TRequest;
  readonly stream: boolean;
  readonly signal: AbortSignal;
  /** The client's body: given when plugins take part. */
  readonly body?: unknown;
  /** Known up front when only the cache takes part. */
  readonly plan?: CachePlan;
  /** Never looked up in or stored to the cache (a hosted tool loop runs tools with effects). */
  readonly uncached?: boolean;
}

function isThenable<T>(value: T | Promise<T>): value is Promise<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}

function metaOf(deployment: ResolvedDeployment): CacheStoreMeta {
  return { modelGroup: deployment.modelName, deploymentId: deployment.id };
}

/**
 * One request's plugin and cache stages, in the request path's order: `onRequest` →
 * `onLlmPreCall` → cache lookup (`before`); then, around the provider call, `onLlmSuccess` and
 * the cache store (`succeeded`/`stored`), the stream hooks (as a StreamStage), `onLlmFailure`.
 */
export class RequestStage<TRequest extends InferenceRequestShape> implements StreamStage {
  readonly ctx: PluginRequestContext | undefined;
  readonly transforms: boolean;
  /** The request as it goes to the provider (re-parsed when plugins saw the endpoint's shape). */
  request: TRequest;
  private plan: CachePlan | undefined;
  private chunks: object[] | undefined;

  constructor(
    private readonly stages: RequestStages,
    private readonly init: StageInit<TRequest>,
  ) {
    const { op, req, request, stream, signal, body } = init;
    this.request = request;
    this.plan = init.plan;
    this.ctx =
      body === undefined
        ? undefined
        : {
            requestId: req.id,
            endpoint: op.endpoint,
            stream,
            caller: req.principal,
            request: (OWN_SHAPE.has(op.endpoint) ? body : request) as Record<string, unknown>,
            responseHeaders: {},
            state: new Map(),
            signal,
          };
    this.transforms = this.ctx !== undefined && stages.plugins.streams;
  }

  /** Plugins, then the cache: true when the request was answered here (nothing left to do). */
  async before(res: GatewayResponse, reparse: () => TRequest, startedAt: number): Promise<boolean> {
    if (this.ctx) {
      try {
        if (await this.pluginsBefore(this.ctx, res, reparse)) return true;
      } catch (error) {
        this.keepHeaders(res);
        throw error;
      }
      const { op, req, stream, uncached } = this.init;
      if (!uncached && op.cacheable?.(this.request) !== false) {
        this.plan = this.stages.cache?.plan(cacheInput(op.endpoint, this.request, req, stream));
      }
    }
    return this.plan === undefined ? false : this.answerFromCache(this.plan, res, startedAt);
  }

  /** Adds the headers plugins set and the cache's MISS to an answer's headers (in place). */
  addHeaders(headers: Record<string, string>): void {
    if (this.ctx) Object.assign(headers, this.ctx.responseHeaders);
    if (this.plan) headers[CACHE_HEADER] = 'MISS';
  }

  withHeaders(headers: Readonly<Record<string, string>>): Readonly<Record<string, string>> {
    const out = { ...headers };
    this.addHeaders(out);
    return out;
  }

  /** `onLlmSuccess` of a unary answer: the result to write (a plugin may have replaced it). */
  succeeded<TResult extends object>(
    result: TResult,
    outcome: CallOutcome,
  ): TResult | Promise<TResult> {
    if (!this.ctx) return result;
    const success = this.success(outcome, result);
    const pending = this.stages.plugins.success(this.ctx, success);
    return pending ? pending.then(() => success.result as TResult) : (success.result as TResult);
  }

  /** `onLlmSuccess` of an answer put together outside one routed call (a hosted tool loop's). */
  answered<TResult extends object>(
    result: TResult,
    facts: Omit<PluginLlmSuccess, 'result'>,
  ): TResult | Promise<TResult> {
    if (!this.ctx) return result;
    const success: PluginLlmSuccess = { ...facts, result };
    const pending = this.stages.plugins.success(this.ctx, success);
    return pending ? pending.then(() => success.result as TResult) : (success.result as TResult);
  }

  /** The answer's JSON: re-serialised when plugins saw it (they may change it in place). */
  serialise(result: object): string {
    return this.ctx && this.stages.plugins.has('onLlmSuccess')
      ? JSON.stringify(result)
      : toJson(result);
  }

  /** Keeps a written unary answer in the cache (off the hot path). */
  stored(result: object, deployment: ResolvedDeployment): void {
    if (this.plan) this.stages.cache!.storeResult(this.plan, result, metaOf(deployment));
  }

  transform(chunk: object): Promise<readonly object[]> {
    return this.stages.plugins.chunk(this.ctx!, chunk);
  }

  flush(): Promise<readonly object[]> {
    return this.stages.plugins.streamEnd(this.ctx!);
  }

  written(chunk: object): void {
    if (this.plan) (this.chunks ??= []).push(chunk);
  }

  /**
   * A relayed stream ended: a complete one runs `onLlmSuccess` (result undefined) and is kept in
   * the cache as written; a failed one runs `onLlmFailure`; one the client left, neither.
   */
  streamEnded(
    failure: GatewayException | undefined,
    clientGone: boolean,
    outcome: CallOutcome,
  ): void {
    if (failure) return this.failed(failure);
    if (clientGone) return;
    if (this.ctx) {
      const pending = this.stages.plugins.success(
        this.ctx,
        this.success(outcome, undefined),
        false,
      );
      if (pending) pending.catch(() => undefined);
    }
    if (this.plan && this.chunks) {
      this.stages.cache!.storeStream(this.plan, this.chunks, metaOf(outcome.deployment));
    }
  }

  /** `onLlmFailure`, and the plugins' headers on the error response when it is not sent yet. */
  failed(error: GatewayException, res?: GatewayResponse): void {
    if (!this.ctx) return;
    this.stages.plugins.failure(this.ctx, error);
    // Headers a synchronous onLlmFailure set still reach the error response.
    if (res) this.keepHeaders(res);
  }

  private async pluginsBefore(
    ctx: PluginRequestContext,
    res: GatewayResponse,
    reparse: () => TRequest,
  ): Promise<boolean> {
    const plugins = this.stages.plugins;
    const asked = plugins.request(ctx);
    const answer = isThenable(asked) ? await asked : asked;
    if (answer) {
      this.init.req.served = { model: this.request.model, stream: false };
      sendJson(res, answer.status, answer.body, { ...ctx.responseHeaders, ...answer.headers });
      return true;
    }
    const preparing = plugins.preCall(ctx);
    if (preparing) await preparing;
    if (ctx.request !== (this.request as unknown)) this.request = reparse();
    return false;
  }

  private async answerFromCache(
    plan: CachePlan,
    res: GatewayResponse,
    startedAt: number,
  ): Promise<boolean> {
    const { hits, cache } = this.stages;
    if (hits.deploymentFor(this.request.model) === undefined) return false;
    const hit = await cache!.lookup(plan, this.init.signal).catch(() => undefined);
    const stream = this.init.stream;
    if (!hits.fits(hit, stream)) return false;
    const deployment = hits.deploymentFor(this.request.model, hit.deploymentId);
    if (deployment === undefined) return false;
    const headers = this.ctx?.responseHeaders ?? NO_HEADERS;
    await hits.answer(this.init.op, this.request, this.init.req, res, {
      hit,
      stream,
      deployment,
      startedAt,
      headers,
    });
    return true;
  }

  private success(outcome: CallOutcome, result: object | undefined): PluginLlmSuccess {
    const deployment = outcome.deployment;
    return {
      deploymentId: deployment.id,
      provider: deployment.provider,
      modelGroup: deployment.modelName,
      result,
      usage: outcome.usage,
      latencyMs: performance.now() - outcome.startedAt,
    };
  }

  private keepHeaders(res: GatewayResponse): void {
    if (res.headersSent) return;
    for (const [name, value] of Object.entries(this.ctx!.responseHeaders))
      res.setHeader(name, value);
  }
}
