import type { PluginFailureHandler } from './plugin-failure.handler';
import type { HookTable } from './plugin-registry.service';
import type { PluginSlot } from './plugin-slot';
import type { PluginRequestContext } from './plugin.types';

type ChunkResult = readonly object[] | undefined;

/**
 * Streamed chunks through the plugins: each plugin's output is the next one's input, so a chunk
 * one plugin held back and releases later still passes the plugins after it.
 */
export class PluginStreamChain {
  constructor(private readonly failures: PluginFailureHandler) {}

  chunk(
    slots: readonly PluginSlot[],
    ctx: PluginRequestContext,
    chunk: object,
  ): Promise<readonly object[]> {
    return this.through(slots, 0, ctx, [chunk]);
  }

  /** Each plugin's `onStreamEnd` in order; what one releases goes through the plugins after it. */
  async end(hooks: HookTable, ctx: PluginRequestContext): Promise<readonly object[]> {
    const chunkSlots = hooks.onStreamChunk;
    const out: object[] = [];
    for (const slot of hooks.onStreamEnd) {
      if (!slot.active) continue;
      slot.called('onStreamEnd');
      const released = await this.call(slot, 'onStreamEnd', () => slot.plugin.onStreamEnd!(ctx));
      if (!released?.length) continue;
      const after = chunkSlots.findIndex((other) => other.order > slot.order);
      const from = after < 0 ? chunkSlots.length : after;
      out.push(...(await this.through(chunkSlots, from, ctx, released)));
    }
    return out;
  }

  private async through(
    slots: readonly PluginSlot[],
    from: number,
    ctx: PluginRequestContext,
    chunks: readonly object[],
  ): Promise<readonly object[]> {
    let current = chunks;
    for (let i = from; i < slots.length && current.length > 0; i++) {
      const slot = slots[i]!;
      if (!slot.active) continue;
      const next: object[] = [];
      for (const chunk of current) {
        slot.called('onStreamChunk');
        const out = await this.call(slot, 'onStreamChunk', () =>
          slot.plugin.onStreamChunk!(ctx, chunk),
        );
        if (out === undefined) next.push(chunk);
        else next.push(...out);
      }
      current = next;
    }
    return current;
  }

  private async call(
    slot: PluginSlot,
    hook: 'onStreamChunk' | 'onStreamEnd',
    invoke: () => ChunkResult | Promise<ChunkResult>,
  ): Promise<ChunkResult> {
    let out: unknown;
    try {
      out = await invoke();
    } catch (error) {
      this.failures.handle(slot, hook, error, true);
      return undefined;
    }
    if (out === undefined || out === null) return undefined;
    if (!Array.isArray(out)) {
      this.failures.handle(slot, hook, new Error('returned neither undefined nor an array'), true);
      return undefined;
    }
    if (slot.can('modify_response')) return out as readonly object[];
    this.failures.warnOnce(slot, 'chunk', 'replaced streamed chunks without "modify_response"');
    return undefined;
  }
}
