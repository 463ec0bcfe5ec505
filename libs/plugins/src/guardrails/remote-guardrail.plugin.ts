import type { PluginRequestContext } from '../plugin.types';
import { ConfiguredGuardrailPlugin, type GuardrailSwitch } from './configured-guardrail.plugin';
import type { TextSlot } from './guardrail-texts';
import type { GuardedText } from './guardrail.types';
import { GuardrailException } from './guardrails.exception';
import { HeldAnswer } from './held-answer';
import { answerTextsWithTools } from './tool-texts';

type Json = Record<string, unknown>;

/** `onStreamChunk`'s answer for a chunk held back (never changed: the chain only reads it). */
const HOLD: readonly object[] = Object.freeze([]);

/**
 * A guardrail that asks a service over the network (LlamaGuard, Bedrock). Such a service judges a
 * whole answer, so a streamed answer it checks is held back until the upstream ends, judged as
 * the unary answer is, then written (redacted, if so decided) or refused with an error event;
 * nothing it did not see reaches the client. A streamed answer that grows past `holdMaxBytes` is
 * refused as soon as it does. Answers are judged with their tool-call arguments. When the
 * guardrail does not check answers, it has no stream hooks at all: streams pass by it untouched.
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

  constructor(
    settings: S,
    private readonly holdMaxBytes: number,
  ) {
    super(settings);
    if (!this.checks('output')) return;
    this.onStreamChunk = (ctx, chunk) => this.holdChunk(ctx, chunk);
    this.onStreamEnd = (ctx) => this.judgeHeld(ctx);
  }

  /** The answer's texts and its tool calls' arguments. */
  protected override answerTexts(result: Json): TextSlot[] {
    return answerTextsWithTools(result);
  }

  private holdChunk(ctx: PluginRequestContext, chunk: object): readonly object[] | undefined {
    if (!this.selectedFor(ctx)) return undefined;
    const held = this.streamState(ctx, () => new HeldAnswer());
    if (held.hold(chunk) <= this.holdMaxBytes) return HOLD;
    // Fail closed: what is held is dropped unwritten, and the refusal ends the stream (and its
    // upstream) now rather than after an answer of any length has been read into memory.
    ctx.state.delete(this.name);
    this.logger.warn(
      { requestId: ctx.requestId, guardrail: this.name, maxBytes: this.holdMaxBytes },
      `guardrail ${this.name} refused a streamed answer larger than it holds to check`,
    );
    throw GuardrailException.outputTooLarge(this.name, this.holdMaxBytes);
  }

  /** The held answer, judged: its chunks to write, or a refusal (block, unavailable). */
  private async judgeHeld(ctx: PluginRequestContext): Promise<readonly object[] | undefined> {
    const held = this.startedStream<HeldAnswer>(ctx);
    if (held === undefined) return undefined;
    ctx.state.delete(this.name);
    const texts = held.texts();
    const args = held.toolArguments();
    if (texts.length === 0 && args.length === 0) return held.chunks;
    const guarded: GuardedText[] = [
      ...texts.map(({ text }) => ({ text, role: 'assistant' })),
      ...args.map((text) => ({ text, role: 'assistant', json: true })),
    ];
    // The service call stops with the client's connection (ctx.signal) or its own deadline.
    const verdict = await this.inspect(guarded, 'output', ctx);
    // Warnings and logs as for a unary answer; a stream's headers are out by now, so a warning
    // is only logged (as the content filter's are).
    this.enforce(ctx, verdict, 'output');
    if (verdict.kind !== 'redact') return held.chunks;
    // Only the texts are replaced: a verdict that masks tool-call arguments is a block (Bedrock).
    const replacements = new Map(
      texts.map(({ index, text }, at): [number, string] => [index, verdict.texts[at] ?? text]),
    );
    return held.redacted(replacements);
  }
}
