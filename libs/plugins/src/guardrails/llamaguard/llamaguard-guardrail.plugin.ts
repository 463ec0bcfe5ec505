import { Injectable, type OnModuleInit } from '@nestjs/common';
import { ConfigStore, type GatewayConfig, type PreparedConfigChange } from '@routeiq/config';
import type { PluginRequestContext } from '../../plugin.types';
import { GuardrailException } from '../guardrails.exception';
import { GuardrailsConfig, type LlamaGuardSettings } from '../guardrails.config';
import { requestSlots } from '../guardrail-texts';
import { RemoteGuardrailPlugin } from '../remote-guardrail.plugin';
import type { GuardedText, GuardrailDirection, GuardrailVerdict } from '../guardrail.types';
import { LlamaGuardClient } from './llamaguard.client';
import { llamaGuardPrompt, parseLlamaGuard } from './llamaguard.prompt';

/**
 * LlamaGuard (`LLAMAGUARD_*`): asks a Llama Guard model group of the config's `model_list`
 * whether the conversation's last user turn (input) or the answer with its tool-call arguments
 * (output; a streamed one is held back until it is judged) is safe; unsafe blocks with the hazard
 * categories. Fails closed: no verdict in time is a 503.
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

  protected async inspect(
    texts: readonly GuardedText[],
    direction: GuardrailDirection,
    ctx: PluginRequestContext,
  ): Promise<GuardrailVerdict> {
    // The answer is judged in the context of the conversation that asked for it, as one Agent
    // turn: the guard model assesses only the last one, and the answer's texts and tool-call
    // arguments all belong to it.
    const turns =
      direction === 'input'
        ? texts
        : [...requestSlots(ctx.endpoint, ctx.request), answerTurn(texts)];
    const answer = await this.client.classify({
      model: this.settings.model,
      prompt: llamaGuardPrompt(turns, direction),
      timeoutMs: this.settings.timeoutMs,
      requestId: ctx.requestId,
      signal: ctx.signal,
    });
    const assessment = parseLlamaGuard(answer);
    if (assessment === undefined) {
      throw GuardrailException.unavailable(
        this.name,
        'the guard model answered neither safe nor unsafe',
      );
    }
    if (assessment.safe) return { kind: 'pass' };
    return { kind: 'flag', action: 'block', categories: assessment.categories };
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
