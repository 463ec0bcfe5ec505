import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ConfigStore, type GatewayConfig, type PreparedConfigChange } from '@routeiq/config';
import type { PluginRequestContext } from '../../plugin.types';
import { GuardrailException } from '../guardrails.exception';
import { GuardrailsConfig, type LlamaGuardSettings } from '../guardrails.config';
import { requestSlots, type TextSlot } from '../guardrail-texts';
import { RemoteGuardrailPlugin } from '../remote-guardrail.plugin';
import { requestTextsWithTools } from '../tool-texts';
import {
  PASS,
  type GuardedText,
  type GuardrailDirection,
  type GuardrailVerdict,
} from '../guardrail.types';
import { LlamaGuardClient } from './llamaguard.client';
import {
  LLAMAGUARD_WINDOW,
  llamaGuardPrompts,
  parseLlamaGuard,
  type LlamaGuardAssessment,
} from './llamaguard.prompt';
import { llamaGuardInputTurns } from './llamaguard.turns';

/** Guard calls one text's windows make at once. */
const WINDOW_CONCURRENCY = 4;

/**
 * LlamaGuard (`LLAMAGUARD_*`): asks a Llama Guard model group of the config's `model_list`
 * whether the caller's last turn, its tool results included (input), or the answer with its
 * tool-call arguments (output; a streamed one is held back until it is judged) is safe; unsafe
 * blocks with the hazard categories. A turn too long for one call is judged window by window,
 * and blocked when any window is unsafe; one needing more than `LLAMAGUARD_MAX_CHUNKS` windows is
 * refused (400). Fails closed: no verdict for every window in time is a 503.
 */
@Injectable()
export class LlamaGuardGuardrailPlugin
  extends RemoteGuardrailPlugin<LlamaGuardSettings>
  implements OnModuleInit
{
  readonly name = 'llamaguard';
  readonly priority = 130;

  constructor(
    config: GuardrailsConfig,
    private readonly client: LlamaGuardClient,
    private readonly store: ConfigStore,
  ) {
    super(config.llamaGuard, config.streamHoldMaxBytes);
  }

  /** A config (at boot or on reload) without the guard's model group is refused. */
  onModuleInit(): void {
    if (!this.enabled) return;
    this.store.register({ name: 'guardrail-llamaguard', prepare: (c) => this.prepare(c) });
  }

  /**
   * The request's texts with its tool results, so a request whose only new text is a tool result
   * (a Responses continuation, a Messages turn of `tool_result` blocks) is judged, not skipped.
   */
  protected override requestTexts(ctx: PluginRequestContext): TextSlot[] {
    return requestTextsWithTools(ctx);
  }

  protected async inspect(
    texts: readonly GuardedText[],
    direction: GuardrailDirection,
    ctx: PluginRequestContext,
  ): Promise<GuardrailVerdict> {
    // Input: the conversation in order, its last turn the caller's, tool results included (the
    // texts above are in no conversation order). Output: the answer, in the context of the
    // conversation that asked for it, as one Agent turn: the guard model assesses only the last
    // one, and the answer's texts and tool-call arguments all belong to it.
    const turns =
      direction === 'input'
        ? (llamaGuardInputTurns(ctx.endpoint, ctx.request) ?? texts)
        : [...requestSlots(ctx.endpoint, ctx.request), answerTurn(texts)];
    const prompts = llamaGuardPrompts(turns, direction, this.settings.maxChunks);
    if (prompts === undefined) throw this.tooLarge(direction, ctx);
    return verdictOf(await this.classifyAll(prompts, ctx));
  }

  /**
   * Every prompt's assessment, in order, a few calls at once, all within one deadline; the first
   * failure (timeout, error, unreadable answer) fails the lot and stops the calls still out.
   */
  private async classifyAll(
    prompts: readonly string[],
    ctx: PluginRequestContext,
  ): Promise<LlamaGuardAssessment[]> {
    const deadline = Date.now() + this.settings.timeoutMs;
    const stop = new AbortController();
    const signal = AbortSignal.any([ctx.signal, stop.signal]);
    try {
      return await inParallel(prompts, WINDOW_CONCURRENCY, (prompt) =>
        this.classify(prompt, deadline, signal, ctx.requestId),
      );
    } finally {
      stop.abort();
    }
  }

  private async classify(
    prompt: string,
    deadline: number,
    signal: AbortSignal,
    requestId: string,
  ): Promise<LlamaGuardAssessment> {
    const { model, timeoutMs } = this.settings;
    const answer = await this.client.classify({
      model,
      prompt,
      timeoutMs,
      deadline,
      requestId,
      signal,
    });
    const assessment = parseLlamaGuard(answer);
    if (assessment === undefined) {
      throw GuardrailException.unavailable(
        this.name,
        'the guard model answered neither safe nor unsafe',
      );
    }
    return assessment;
  }

  /** Fail closed: a text longer than the windows it may take is refused, not judged in part. */
  private tooLarge(direction: GuardrailDirection, ctx: PluginRequestContext): GuardrailException {
    const { maxChunks } = this.settings;
    this.logger.warn(
      { requestId: ctx.requestId, guardrail: this.name, direction, maxChunks },
      `guardrail ${this.name} refused a ${direction} longer than it can check`,
    );
    const limit = `${maxChunks} windows of ${LLAMAGUARD_WINDOW.size} characters`;
    return GuardrailException.tooLarge(this.name, direction, limit);
  }

  private prepare(config: GatewayConfig): PreparedConfigChange {
    const { model } = this.settings;
    const known = config.modelList.some((deployment) => deployment.modelName === model);
    const problems = known
      ? []
      : [{ path: 'model_list', message: `has no model_name "${model}" (LLAMAGUARD_MODEL)` }];
    return { problems, commit: () => undefined };
  }
}

/** An answer's texts (choices, content blocks, tool-call arguments) as one Agent turn. */
function answerTurn(texts: readonly GuardedText[]): GuardedText {
  return { role: 'assistant', text: texts.map(({ text }) => text).join('\n\n') };
}

/** Unsafe when any window is: the categories of every unsafe window, in the text's order. */
function verdictOf(assessments: readonly LlamaGuardAssessment[]): GuardrailVerdict {
  if (assessments.every((assessment) => assessment.safe)) return PASS;
  const categories = assessments.flatMap((assessment) =>
    assessment.safe ? [] : assessment.categories,
  );
  return { kind: 'flag', action: 'block', categories: [...new Set(categories)] };
}

/** `work` on every item, at most `limit` at once; results in order, the first failure rejects. */
async function inParallel<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  let failed = false;
  const worker = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const at = next++;
      try {
        results[at] = await work(items[at]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
