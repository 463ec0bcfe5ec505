import type { PluginRequestContext } from '../plugin.types';
import { ConfiguredGuardrailPlugin, type GuardrailSwitch } from './configured-guardrail.plugin';
import { HeldAnswer } from './held-answer';

/** `onStreamChunk`'s answer for a chunk held back (never changed: the chain only reads it). */
const HOLD: readonly object[] = Object.freeze([]);

/**
 * A guardrail that asks a service over the network (LlamaGuard, Bedrock). Such a service judges a
 * whole answer, so a streamed answer it checks is held back until the upstream ends, judged as
 * the unary answer is, then written (redacted, if so decided) or refused with an error event;
 * nothing it did not see reaches the client. When the guardrail does not check answers, it has
 * no stream hooks at all: streams pass by it untouched.
 */
export abstract class RemoteGuardrailPlugin<
  S extends GuardrailSwitch,
> extends ConfiguredGuardrailPlugin<S> {
  protected override readonly remote = true;
  readonly onStreamChunk?: (
    ctx: PluginRequestContext,
    chunk: object,
  ) => readonly object[] | undefined;
  readonly onStreamEnd?: (ctx: PluginRequestContext) => Promise<readonly object[] | undefined>;

  constructor(settings: S) {
    super(settings);
    if (!this.checks('output')) return;
    this.onStreamChunk = (ctx, chunk) => this.holdChunk(ctx, chunk);
    this.onStreamEnd = (ctx) => this.judgeHeld(ctx);
  }

  private holdChunk(ctx: PluginRequestContext, chunk: object): readonly object[] | undefined {
    if (!this.selectedFor(ctx)) return undefined;
    this.streamState(ctx, () => new HeldAnswer()).hold(chunk);
    return HOLD;
  }

  /** The held answer, judged: its chunks to write, or a refusal (block, unavailable). */
  private async judgeHeld(ctx: PluginRequestContext): Promise<readonly object[] | undefined> {
    const held = this.startedStream<HeldAnswer>(ctx);
    if (held === undefined) return undefined;
    ctx.state.delete(this.name);
    const texts = held.texts();
    if (texts.length === 0) return held.chunks;
    const guarded = texts.map(({ text }) => ({ text, role: 'assistant' }));
    // The service call stops with the client's connection (ctx.signal) or its own deadline.
    const verdict = await this.inspect(guarded, 'output', ctx);
    // Warnings and logs as for a unary answer; a stream's headers are out by now, so a warning
    // is only logged (as the content filter's are).
    this.enforce(ctx, verdict, 'output');
    if (verdict.kind !== 'redact') return held.chunks;
    const replacements = new Map(
      texts.map(({ index, text }, at): [number, string] => [index, verdict.texts[at] ?? text]),
    );
    return held.redacted(replacements);
  }
}
