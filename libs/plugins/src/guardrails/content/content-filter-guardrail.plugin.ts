import { Injectable } from '@nestjs/common';
import type { PluginRequestContext } from '../../plugin.types';
import { GuardrailsConfig, type ContentFilterSettings } from '../guardrails.config';
import { ConfiguredGuardrailPlugin } from '../configured-guardrail.plugin';
import { chunkTexts } from '../guardrail-chunks';
import type { TextSlot } from '../guardrail-texts';
import { PASS, type GuardedText, type GuardrailVerdict } from '../guardrail.types';
import { chunkToolArguments, eachWholeToolArguments } from '../tool-call-chunks';
import { answerTextsWithTools, requestTextsWithTools } from '../tool-texts';
import { ContentFilterDetector } from './content-filter.detector';

/** Text kept from the previous chunk of a choice, so a phrase split across chunks still fires. */
const CARRY_CHARS = 120;

type Json = Record<string, unknown>;

interface StreamState {
  /** By choice (block, text part) index, or by tool call (`tool:<key>`). */
  readonly carry: Map<number | string, string>;
  readonly rules: Set<string>;
  reported: boolean;
}

/**
 * Content filter (`CONTENT_FILTER_*`): violence, self-harm, sexual content, hate, harassment and
 * illegal activity, by scored keywords and phrases, on input and output, tool-call arguments and
 * tool results included. A streamed answer is scanned as it passes (never held back): a block
 * ends the stream with an error event.
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

  protected override requestTexts(ctx: PluginRequestContext): TextSlot[] {
    return requestTextsWithTools(ctx);
  }

  protected override answerTexts(result: Json): TextSlot[] {
    return answerTextsWithTools(result);
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
    const args = chunkToolArguments(chunk, false);
    if (texts === undefined && args === undefined) return undefined;
    const state = this.streamState<StreamState>(ctx, () => ({
      carry: new Map(),
      rules: new Set(),
      reported: false,
    }));
    if (state.reported) return undefined;
    for (const { index, text } of texts ?? []) this.scan(state, index, text);
    for (const { key, text } of args?.fragments ?? []) this.scan(state, `tool:${key}`, text);
    // Whole arguments an event repeats stand alone: no carry joins them to other text.
    if (args?.whole === true) eachWholeToolArguments(chunk, (text) => this.scan(state, '', text));
    // A block stops the stream at once; warn and log wait for the end (one report per stream).
    if (this.settings.action === 'block') this.report(ctx, state);
    return undefined;
  }

  onStreamEnd(ctx: PluginRequestContext): undefined {
    const state = this.startedStream<StreamState>(ctx);
    if (state !== undefined && !state.reported) this.report(ctx, state);
    return undefined;
  }

  /** Scans `text` with the end of what came before it under `key` ('' for none). */
  private scan(state: StreamState, key: number | string, text: string): void {
    if (text === '') return;
    const window = key === '' ? text : (state.carry.get(key) ?? '') + text;
    for (const rule of this.detector.matches(window)) state.rules.add(rule);
    if (key !== '') state.carry.set(key, window.slice(-CARRY_CHARS));
  }

  private report(ctx: PluginRequestContext, state: StreamState): void {
    const categories = this.detector.flagged(state.rules, this.settings.threshold);
    if (categories.length === 0) return;
    state.reported = true;
    this.enforce(ctx, { kind: 'flag', action: this.settings.action, categories }, 'output');
  }
}
