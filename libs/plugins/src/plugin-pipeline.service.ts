import { Injectable, Logger } from '@nestjs/common';
import type { GatewayException } from '@routeiq/common';
import type { GatewayConfig } from '@routeiq/config';
import type { PluginHookName } from './plugin-capabilities';
import { PluginFailureHandler } from './plugin-failure.handler';
import { PluginRegistry } from './plugin-registry.service';
import type { PluginSlot } from './plugin-slot';
import { PluginStreamChain } from './plugin-stream.chain';
import type {
  CircuitBreakerChange,
  PluginAnswer,
  PluginLlmSuccess,
  PluginRequestContext,
} from './plugin.types';

type Invoke = (slot: PluginSlot) => unknown;

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === 'function';
}

/**
 * Calls the plugins' hooks in order for the request path. Only plugins that have a hook and
 * declared a capability for it are called; a dispatch over synchronous hooks stays synchronous
 * (returns no promise), and one over no hooks returns at once.
 */
@Injectable()
export class PluginPipeline {
  private readonly failures = new PluginFailureHandler(new Logger('Plugins'));
  private readonly streamChain = new PluginStreamChain(this.failures);

  constructor(private readonly registry: PluginRegistry) {}

  /** Whether any plugin takes part in requests: when false the request path skips plugins. */
  get active(): boolean {
    return this.registry.onRequestPath;
  }

  /** Whether any plugin's `hook` is called. */
  has(hook: PluginHookName): boolean {
    return this.registry.hooks[hook].length > 0;
  }

  /** Whether any plugin sees streamed chunks. */
  get streams(): boolean {
    const hooks = this.registry.hooks;
    return hooks.onStreamChunk.length > 0 || hooks.onStreamEnd.length > 0;
  }

  /** `onRequest`, in order, until one answers (only plugins with `short_circuit` may). */
  request(ctx: PluginRequestContext): PluginAnswer | undefined | Promise<PluginAnswer | undefined> {
    const slots = this.registry.hooks.onRequest;
    return slots.length === 0 ? undefined : this.firstAnswer(slots, ctx, 0);
  }

  /** `onLlmPreCall`: plugins may change `ctx.request`. */
  preCall(ctx: PluginRequestContext): void | Promise<void> {
    const slots = this.registry.hooks.onLlmPreCall;
    if (slots.length === 0) return;
    return this.run(slots, 'onLlmPreCall', (slot) => slot.plugin.onLlmPreCall!(ctx), true, 0);
  }

  /** `onLlmSuccess`: `success.result` may be replaced by plugins with `modify_response`. */
  success(
    ctx: PluginRequestContext,
    success: PluginLlmSuccess,
    abortable = true,
  ): void | Promise<void> {
    const slots = this.registry.hooks.onLlmSuccess;
    if (slots.length === 0) return;
    const invoke = (slot: PluginSlot): unknown => {
      const before = success.result;
      const out = slot.plugin.onLlmSuccess!(ctx, success);
      const check = (): void => {
        if (success.result === before || slot.can('modify_response')) return;
        success.result = before;
        this.failures.warnOnce(slot, 'result', 'replaced a result without "modify_response"');
      };
      return isThenable(out) ? Promise.resolve(out).then(check) : check();
    };
    return this.run(slots, 'onLlmSuccess', invoke, abortable, 0);
  }

  /** `onLlmFailure`: notification only; never throws, never delays the error response. */
  failure(ctx: PluginRequestContext, error: GatewayException): void {
    const slots = this.registry.hooks.onLlmFailure;
    if (slots.length === 0) return;
    const pending = this.run(
      slots,
      'onLlmFailure',
      (s) => s.plugin.onLlmFailure!(ctx, error),
      false,
      0,
    );
    if (pending) pending.catch(() => undefined);
  }

  /** One chunk through `onStreamChunk` of every plugin: the chunks to write in its place. */
  chunk(ctx: PluginRequestContext, chunk: object): Promise<readonly object[]> {
    return this.streamChain.chunk(this.registry.hooks.onStreamChunk, ctx, chunk);
  }

  /** The upstream stream ended: what plugins held back, to write before the end. */
  streamEnd(ctx: PluginRequestContext): Promise<readonly object[]> {
    return this.streamChain.end(this.registry.hooks, ctx);
  }

  configReloaded(config: GatewayConfig): void {
    const slots = this.registry.hooks.onConfigReload;
    const pending = this.run(
      slots,
      'onConfigReload',
      (s) => s.plugin.onConfigReload!(config),
      false,
      0,
    );
    if (pending) pending.catch(() => undefined);
  }

  breakerChanged(change: CircuitBreakerChange): void {
    const slots = this.registry.hooks.onCircuitBreakerChange;
    const invoke = (slot: PluginSlot): unknown => slot.plugin.onCircuitBreakerChange!(change);
    const pending = this.run(slots, 'onCircuitBreakerChange', invoke, false, 0);
    if (pending) pending.catch(() => undefined);
  }

  /** Runs `invoke` on each active slot from `from`; goes asynchronous only at the first promise. */
  private run(
    slots: readonly PluginSlot[],
    hook: PluginHookName,
    invoke: Invoke,
    abortable: boolean,
    from: number,
  ): void | Promise<void> {
    for (let i = from; i < slots.length; i++) {
      const slot = slots[i]!;
      if (!slot.active) continue;
      slot.called(hook);
      let out: unknown;
      try {
        out = invoke(slot);
      } catch (error) {
        this.failures.handle(slot, hook, error, abortable);
        continue;
      }
      if (isThenable(out)) return this.resume(out, slots, hook, invoke, abortable, i);
    }
  }

  private async resume(
    pending: PromiseLike<unknown>,
    slots: readonly PluginSlot[],
    hook: PluginHookName,
    invoke: Invoke,
    abortable: boolean,
    index: number,
  ): Promise<void> {
    try {
      await pending;
    } catch (error) {
      this.failures.handle(slots[index]!, hook, error, abortable);
    }
    await this.run(slots, hook, invoke, abortable, index + 1);
  }

  private firstAnswer(
    slots: readonly PluginSlot[],
    ctx: PluginRequestContext,
    from: number,
  ): PluginAnswer | undefined | Promise<PluginAnswer | undefined> {
    for (let i = from; i < slots.length; i++) {
      const slot = slots[i]!;
      if (!slot.active) continue;
      slot.called('onRequest');
      let out: PluginAnswer | undefined | Promise<PluginAnswer | undefined>;
      try {
        out = slot.plugin.onRequest!(ctx);
      } catch (error) {
        this.failures.handle(slot, 'onRequest', error, true);
        continue;
      }
      if (isThenable(out)) return this.awaitAnswer(out, slots, ctx, i);
      const answer = this.accepted(slot, out);
      if (answer) return answer;
    }
    return undefined;
  }

  private async awaitAnswer(
    pending: Promise<PluginAnswer | undefined>,
    slots: readonly PluginSlot[],
    ctx: PluginRequestContext,
    index: number,
  ): Promise<PluginAnswer | undefined> {
    const slot = slots[index]!;
    let out: PluginAnswer | undefined;
    try {
      out = await pending;
    } catch (error) {
      this.failures.handle(slot, 'onRequest', error, true);
    }
    return this.accepted(slot, out) ?? this.firstAnswer(slots, ctx, index + 1);
  }

  private accepted(slot: PluginSlot, answer: PluginAnswer | undefined): PluginAnswer | undefined {
    if (answer === undefined || answer === null) return undefined;
    if (slot.can('short_circuit')) return answer;
    this.failures.warnOnce(slot, 'answer', 'answered a request without "short_circuit"');
    return undefined;
  }
}
