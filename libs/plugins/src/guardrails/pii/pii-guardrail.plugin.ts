import { Injectable } from '@nestjs/common';
import type { PluginRequestContext } from '../../plugin.types';
import { GuardrailException } from '../guardrails.exception';
import { GuardrailsConfig, type PiiSettings } from '../guardrails.config';
import { ConfiguredGuardrailPlugin } from '../configured-guardrail.plugin';
import { PASS, type GuardrailVerdict } from '../guardrail.types';
import type { TextSlot } from '../guardrail-texts';
import { addWarning } from '../text-guardrail.plugin';
import { answerTextsWithTools, requestTextsWithTools } from '../tool-texts';
import { PiiDetector } from './pii.detector';
import { redactJsonText, redactPlain } from './pii-arguments';
import { PiiStream } from './pii-stream';

type Json = Record<string, unknown>;

/** What the PII guardrail checks of a text: the text, and whether it may be JSON. */
type PiiText = Pick<TextSlot, 'text' | 'json'>;

/** A stream's state: the stream and what was found in it. */
interface StreamState {
  readonly stream: PiiStream;
  readonly found: Set<string>;
}

/**
 * PII (`GUARDRAIL_PII_*`): emails, phone numbers, US SSNs, card numbers (Luhn-checked) and IP
 * addresses in requests and answers, streamed answers included: their text is held back only as
 * long as the end of it could still become PII. Unlike the other guardrails it also checks
 * tool-call arguments and tool results, and redacts them keeping JSON valid.
 */
@Injectable()
export class PiiGuardrailPlugin extends ConfiguredGuardrailPlugin<PiiSettings> {
  readonly name = 'pii';
  readonly priority = 120;
  private readonly detector: PiiDetector;

  constructor(config: GuardrailsConfig) {
    super(config.pii);
    this.detector = new PiiDetector(config.pii.entities);
  }

  /** Tool-call arguments and tool results too. */
  protected override requestTexts(ctx: PluginRequestContext): TextSlot[] {
    return requestTextsWithTools(ctx);
  }

  protected override answerTexts(result: Json): TextSlot[] {
    return answerTextsWithTools(result);
  }

  protected inspect(texts: readonly PiiText[]): GuardrailVerdict {
    const redacted = texts.map(({ text, json }) =>
      json === true ? redactJsonText(this.detector, text) : redactPlain(this.detector, text),
    );
    const categories = [...new Set(redacted.flatMap(({ entities }) => entities))].sort();
    if (categories.length === 0) return PASS;
    const { action } = this.settings;
    if (action !== 'redact') return { kind: 'flag', action, categories };
    return { kind: 'redact', categories, texts: redacted.map(({ text }) => text) };
  }

  onStreamChunk(ctx: PluginRequestContext, chunk: object): readonly object[] | undefined {
    if (!this.checksFor(ctx, 'output')) return undefined;
    return this.streamState(ctx, () => this.newStream(ctx)).stream.chunk(chunk);
  }

  onStreamEnd(ctx: PluginRequestContext): readonly object[] | undefined {
    const state = this.startedStream<StreamState>(ctx);
    if (state === undefined) return undefined;
    const chunks = state.stream.end();
    this.report(ctx, state.found);
    return chunks.length > 0 ? chunks : undefined;
  }

  private found(ctx: PluginRequestContext, found: Set<string>, entities: readonly string[]): void {
    if (entities.length === 0) return;
    for (const entity of entities) found.add(entity);
    if (this.settings.action === 'block') {
      const categories = [...found].sort();
      this.report(ctx, found);
      throw GuardrailException.blocked(this.name, categories);
    }
  }

  /** Logs (and for warn, adds the header, if it is not out yet) once per stream. */
  private report(ctx: PluginRequestContext, found: Set<string>): void {
    if (found.size === 0) return;
    const categories = [...found].sort();
    found.clear();
    const { action } = this.settings;
    this.logger[action === 'block' ? 'warn' : 'log'](
      { requestId: ctx.requestId, guardrail: this.name, direction: 'output', action, categories },
      `guardrail ${this.name} found ${categories.join(',')} in the streamed output`,
    );
    if (action === 'warn') addWarning(ctx, this.name, categories);
  }

  private newStream(ctx: PluginRequestContext): StreamState {
    const found = new Set<string>();
    // redact and block hold text back; warn and log pass it on as it came.
    const rewrite = this.settings.action === 'redact' || this.settings.action === 'block';
    const stream = new PiiStream(this.detector, rewrite, (entities) =>
      this.found(ctx, found, entities),
    );
    return { stream, found };
  }
}
