import { Injectable } from '@nestjs/common';
import { GuardrailsConfig, type InjectionSettings } from '../guardrails.config';
import {
  PASS,
  type GuardedText,
  type GuardrailDirection,
  type GuardrailVerdict,
} from '../guardrail.types';
import type { TextSlot } from '../guardrail-texts';
import { requestSlots } from '../guardrail-texts';
import type { PluginRequestContext } from '../../plugin.types';
import { TextGuardrailPlugin } from '../text-guardrail.plugin';
import { requestToolSlots } from '../tool-texts';
import { PromptInjectionDetector } from './prompt-injection.detector';

/** The operator's own prompts and the model's earlier turns are not where injections come from. */
const TRUSTED_ROLES = new Set(['system', 'developer', 'assistant']);

/**
 * Prompt injection (`GUARDRAIL_INJECTION_*`): scores the caller's input (user and tool messages,
 * Messages `tool_result` blocks and Responses `function_call_output` items — what a tool fetched
 * is the usual road of an indirect injection — prompts, inputs) and acts when the score reaches
 * `GUARDRAIL_INJECTION_THRESHOLD`.
 */
@Injectable()
export class PromptInjectionGuardrailPlugin extends TextGuardrailPlugin {
  readonly name = 'prompt_injection';
  readonly priority = 100;
  private readonly settings: InjectionSettings;
  private readonly detector = new PromptInjectionDetector();

  constructor(config: GuardrailsConfig) {
    super();
    this.settings = config.injection;
  }

  get enabled(): boolean {
    return this.settings.enabled;
  }

  protected checks(direction: GuardrailDirection): boolean {
    return direction === 'input';
  }

  /** The tool results too (tool-call arguments are the model's own turns: trusted, skipped). */
  protected override requestTexts(ctx: PluginRequestContext): TextSlot[] {
    const { endpoint, request } = ctx;
    return [...requestSlots(endpoint, request), ...requestToolSlots(endpoint, request)];
  }

  protected inspect(texts: readonly GuardedText[]): GuardrailVerdict {
    for (const { text, role } of texts) {
      if (role !== undefined && TRUSTED_ROLES.has(role)) continue;
      if (this.detector.score(text).score >= this.settings.threshold) {
        return { kind: 'flag', action: this.settings.action, categories: ['prompt_injection'] };
      }
    }
    return PASS;
  }
}
