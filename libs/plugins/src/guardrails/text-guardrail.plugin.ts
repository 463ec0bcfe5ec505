import { Logger } from '@nestjs/common';
import type {
  GatewayPlugin,
  PluginCapability,
  PluginLlmSuccess,
  PluginRequestContext,
} from '../plugin.types';
import { GuardrailException } from './guardrails.exception';
import { requestSlots, resultSlots, withResultTexts, type TextSlot } from './guardrail-texts';
import type {
  GuardedText,
  GuardrailDirection,
  GuardrailName,
  GuardrailVerdict,
} from './guardrail.types';

/** Response header listing what `warn` guardrails found: `pii:email,phone; content_filter:hate`. */
export const GUARDRAIL_WARNING_HEADER = 'x-routeiq-guardrail-warning';

const CAPABILITIES: readonly PluginCapability[] = [
  'observe',
  'guardrail',
  'modify_request',
  'modify_response',
];
const REMOTE_CAPABILITIES: readonly PluginCapability[] = [...CAPABILITIES, 'network'];

/**
 * A guardrail over the texts of requests (`onLlmPreCall`) and of unary answers (`onLlmSuccess`).
 * Subclasses say what they find; this class applies the verdict: refuse (400
 * `guardrail_blocked`), replace the texts, add a warning header, or log. Guardrails fail closed:
 * a bug in one aborts the request instead of letting it through unchecked.
 */
export abstract class TextGuardrailPlugin implements GatewayPlugin {
  abstract readonly name: GuardrailName;
  abstract readonly priority: number;
  readonly version = '1.0.0';
  readonly failureMode = 'abort';
  /** Set by guardrails that ask a service over the network (declared as `network`). */
  protected readonly remote: boolean = false;
  get capabilities(): readonly PluginCapability[] {
    return this.remote ? REMOTE_CAPABILITIES : CAPABILITIES;
  }
  protected readonly logger = new Logger('Guardrails');

  /** The guardrail's flag (`*_ENABLED`). */
  abstract get enabled(): boolean;

  /** Whether the guardrail checks this side of the call (`*_APPLY_TO`). */
  protected abstract checks(direction: GuardrailDirection): boolean;

  protected abstract inspect(
    texts: readonly GuardedText[],
    direction: GuardrailDirection,
    ctx: PluginRequestContext,
  ): GuardrailVerdict | Promise<GuardrailVerdict>;

  onLlmPreCall(ctx: PluginRequestContext): void | Promise<void> {
    if (!this.checksFor(ctx, 'input')) return;
    const slots = this.requestTexts(ctx);
    if (slots.length === 0) return;
    const apply = (verdict: GuardrailVerdict): void => {
      this.enforce(ctx, verdict, 'input');
      if (verdict.kind !== 'redact') return;
      slots.forEach((target, index) => target.set(verdict.texts[index] ?? target.text));
    };
    // Local guardrails decide synchronously: the request path then waits on no promise.
    return settle(this.inspect(slots, 'input', ctx), apply);
  }

  onLlmSuccess(ctx: PluginRequestContext, success: PluginLlmSuccess): void | Promise<void> {
    const result = success.result;
    if (result === undefined || !this.checksFor(ctx, 'output')) return;
    const slots = this.answerTexts(result as Record<string, unknown>);
    if (slots.length === 0) return;
    const apply = (verdict: GuardrailVerdict): void => {
      this.enforce(ctx, verdict, 'output');
      if (verdict.kind === 'redact') {
        success.result = withResultTexts(result, verdict.texts, (copy) => this.answerTexts(copy));
      }
    };
    return settle(this.inspect(slots, 'output', ctx), apply);
  }

  /** The request's texts this guardrail reads (message and prompt texts). */
  protected requestTexts(ctx: PluginRequestContext): TextSlot[] {
    return requestSlots(ctx.endpoint, ctx.request);
  }

  /** The unary answer's texts this guardrail reads (choice and content texts). */
  protected answerTexts(result: Record<string, unknown>): TextSlot[] {
    return resultSlots(result);
  }

  /** A key's or team's `metadata.guardrails` replaces the enabled set for its requests. */
  protected selectedFor(ctx: PluginRequestContext): boolean {
    const selected = ctx.caller?.guardrails;
    return selected === undefined || selected.includes(this.name);
  }

  /** Whether this side of the call is checked, for this request's caller. */
  protected checksFor(ctx: PluginRequestContext, direction: GuardrailDirection): boolean {
    return this.checks(direction) && this.selectedFor(ctx);
  }

  /** The guardrail's state for the stream being answered, made by `create` on first use. */
  protected streamState<T extends object>(ctx: PluginRequestContext, create: () => T): T {
    let state = this.startedStream<T>(ctx);
    if (state === undefined) {
      state = create();
      ctx.state.set(this.name, state);
    }
    return state;
  }

  /** The state `streamState` made, if the stream got that far. */
  protected startedStream<T extends object>(ctx: PluginRequestContext): T | undefined {
    return ctx.state.get(this.name) as T | undefined;
  }

  /** Refuses, warns or logs per the verdict (a redaction is applied by the caller). */
  protected enforce(
    ctx: PluginRequestContext,
    verdict: GuardrailVerdict,
    direction: GuardrailDirection,
  ): void {
    if (verdict.kind === 'pass') return;
    const { categories } = verdict;
    const action = verdict.kind === 'redact' ? 'redact' : verdict.action;
    // Never the matched text: only what kind of thing was found, and where.
    this.logger[action === 'block' ? 'warn' : 'log'](
      { requestId: ctx.requestId, guardrail: this.name, direction, action, categories },
      `guardrail ${this.name} found ${categories.join(',')} in the ${direction}`,
    );
    if (action === 'block') throw GuardrailException.blocked(this.name, categories);
    if (action === 'warn') addWarning(ctx, this.name, categories);
  }
}

function settle(
  verdict: GuardrailVerdict | Promise<GuardrailVerdict>,
  apply: (verdict: GuardrailVerdict) => void,
): void | Promise<void> {
  return verdict instanceof Promise ? verdict.then(apply) : apply(verdict);
}

/** Adds `<guardrail>:<categories>` to the warning header of the answer. */
export function addWarning(
  ctx: PluginRequestContext,
  guardrail: string,
  categories: readonly string[],
): void {
  const entry = `${guardrail}:${categories.join(',')}`;
  const prior = ctx.responseHeaders[GUARDRAIL_WARNING_HEADER];
  ctx.responseHeaders[GUARDRAIL_WARNING_HEADER] = prior ? `${prior}; ${entry}` : entry;
}
