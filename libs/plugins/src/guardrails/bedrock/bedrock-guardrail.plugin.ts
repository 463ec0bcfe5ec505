import { Injectable } from '@nestjs/common';
import type { PluginRequestContext } from '../../plugin.types';
import { GuardrailsConfig, type BedrockGuardrailSettings } from '../guardrails.config';
import type { GuardedText, GuardrailDirection, GuardrailVerdict } from '../guardrail.types';
import type { TextSlot } from '../guardrail-texts';
import { RemoteGuardrailPlugin } from '../remote-guardrail.plugin';
import { isToolCallArguments, requestTextsWithTools } from '../tool-texts';
import { BedrockGuardrailClient } from './bedrock-guardrail.client';
import { bedrockDecision, type GuardrailSource } from './bedrock-guardrail.mapper';

/**
 * AWS Bedrock Guardrails (`BEDROCK_GUARDRAIL_*`): the request's texts and the answer's (a streamed
 * one held back until it is judged), tool-call arguments and tool results included, go to
 * ApplyGuardrail; a blocking policy blocks with its categories, an anonymising one replaces the
 * texts with Bedrock's masked versions (masked tool-call arguments block). Fails closed: no answer
 * in time is a 503.
 */
@Injectable()
export class BedrockGuardrailPlugin extends RemoteGuardrailPlugin<BedrockGuardrailSettings> {
  readonly name = 'bedrock';
  readonly priority = 140;

  constructor(
    config: GuardrailsConfig,
    private readonly client: BedrockGuardrailClient,
  ) {
    super(config.bedrock, config.streamHoldMaxBytes);
  }

  /** Tool-call arguments and tool results too. */
  protected override requestTexts(ctx: PluginRequestContext): TextSlot[] {
    return requestTextsWithTools(ctx);
  }

  protected async inspect(
    texts: readonly GuardedText[],
    direction: GuardrailDirection,
    ctx: PluginRequestContext,
  ): Promise<GuardrailVerdict> {
    const verdict = await this.decide(texts, direction, ctx);
    // Masked tool-call arguments would call the tool with Bedrock's placeholders, which need not
    // even keep the JSON valid: a mask that touches them blocks instead.
    const masksArguments =
      verdict.kind === 'redact' &&
      texts.some((text, at) => isToolCallArguments(text) && verdict.texts[at] !== text.text);
    if (!masksArguments) return verdict;
    return { kind: 'flag', action: 'block', categories: verdict.categories };
  }

  private async decide(
    texts: readonly GuardedText[],
    direction: GuardrailDirection,
    ctx: PluginRequestContext,
  ): Promise<GuardrailVerdict> {
    const source: GuardrailSource = direction === 'input' ? 'INPUT' : 'OUTPUT';
    const sent = texts.map(({ text }) => text);
    const decision = bedrockDecision(await this.client.apply(source, sent, ctx.signal), sent);
    switch (decision.kind) {
      case 'pass':
        return { kind: 'pass' };
      case 'block':
        return { kind: 'flag', action: 'block', categories: decision.categories };
      case 'mask':
        return { kind: 'redact', categories: decision.categories, texts: decision.texts };
      case 'mask_unmapped':
        return this.maskOneByOne(source, sent, ctx);
    }
  }

  /** Outputs that do not map onto the texts sent: each text is masked on its own. */
  private async maskOneByOne(
    source: GuardrailSource,
    sent: readonly string[],
    ctx: PluginRequestContext,
  ): Promise<GuardrailVerdict> {
    const decisions = await Promise.all(
      sent.map(async (text) =>
        bedrockDecision(await this.client.apply(source, [text], ctx.signal), [text]),
      ),
    );
    const categories = [
      ...new Set(decisions.flatMap((d) => ('categories' in d ? d.categories : []))),
    ].sort();
    if (decisions.some((d) => d.kind === 'block' || d.kind === 'mask_unmapped')) {
      return { kind: 'flag', action: 'block', categories };
    }
    const texts = decisions.map((d, i) => (d.kind === 'mask' ? (d.texts[0] ?? '') : sent[i]!));
    return { kind: 'redact', categories, texts };
  }
}
