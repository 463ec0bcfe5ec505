import { Injectable } from '@nestjs/common';
import type { PluginRequestContext } from '../../plugin.types';
import { GuardrailsConfig, type ContentFilterSettings } from '../guardrails.config';
import { ConfiguredGuardrailPlugin } from '../configured-guardrail.plugin';
import { chunkTexts } from '../guardrail-chunks';
import { PASS, type GuardedText, type GuardrailVerdict } from '../guardrail.types';
import { ContentFilterDetector } from './content-filter.detector';

/** Text kept from the previous chunk of a choice, so a phrase split across chunks still fires. */
const CARRY_CHARS = 120;

interface StreamState {
  readonly carry: Map<number, string>;
  readonly rules: Set<string>;
  reported: boolean;
}

/**
 * Content filter (`CONTENT_FILTER_*`): violence, self-harm, sexual content, hate, harassment and
 * illegal activity, by scored keywords and phrases, on input and output. A streamed answer is
 * scanned as it passes (never held back): a block ends the stream with an error event.
 */
@Injectable()
export class ContentFilterGuardrailPlugin extends ConfiguredGuardrailPlugin<ContentFilterSettings> {
  readonly name = 'content_filter';
  readonly priority = 110;
  private readonly detector: ContentFilterDetector;

  constructor(config: GuardrailsConfig) {
    super(config.contentFilter);
    this.detector = new ContentFilterDetector(config.contentFilter.categories);
  }

  protected inspect(texts: readonly GuardedText[]): GuardrailVerdict {
    const rules = texts.flatMap(({ text }) => this.detector.matches(text));
    const categories = this.detector.flagged(rules, this.settings.threshold);
    if (categories.length === 0) return PASS;
    return { kind: 'flag', action: this.settings.action, categories };
  }

  onStreamChunk(ctx: PluginRequestContext, chunk: object): undefined {
    if (!this.checksFor(ctx, 'output')) return undefined;
    const texts = chunkTexts(chunk);
    if (texts === undefined) return undefined;
    const state = this.streamState<StreamState>(ctx, () => ({
      carry: new Map(),
      rules: new Set(),
      reported: false,
    }));
    if (state.reported) return undefined;
    for (const { index, text } of texts) {
      if (text === '') continue;
      const window = (state.carry.get(index) ?? '') + text;
      for (const rule of this.detector.matches(window)) state.rules.add(rule);
      state.carry.set(index, window.slice(-CARRY_CHARS));
    }
    // A block stops the stream at once; warn and log wait for the end (one report per stream).
    if (this.settings.action === 'block') this.report(ctx, state);
    return undefined;
  }

  onStreamEnd(ctx: PluginRequestContext): undefined {
    const state = this.startedStream<StreamState>(ctx);
    if (state !== undefined && !state.reported) this.report(ctx, state);
    return undefined;
  }

  private report(ctx: PluginRequestContext, state: StreamState): void {
    const categories = this.detector.flagged(state.rules, this.settings.threshold);
    if (categories.length === 0) return;
    state.reported = true;
    this.enforce(ctx, { kind: 'flag', action: this.settings.action, categories }, 'output');
  }
}
