import { Injectable } from '@nestjs/common';
import type { ResolvedDeployment } from '@routeiq/providers';
import { ModelRegistryService } from '@routeiq/routing';
import { GuardrailException } from '../guardrails.exception';

/** One classification: the prompt, the deadline, and the request it is made for. */
export interface LlamaGuardCall {
  readonly model: string;
  readonly prompt: string;
  readonly timeoutMs: number;
  /**
   * When (epoch ms) the answer is due, if not `timeoutMs` from now: the calls that judge the
   * windows of one text share one deadline.
   */
  readonly deadline?: number;
  readonly requestId: string;
  /** The client's connection: the call stops when it goes away. */
  readonly signal: AbortSignal;
}

const GUARDRAIL = 'llamaguard';
/** Enough for `unsafe` and a list of S-codes. */
const MAX_TOKENS = 20;

/**
 * Calls the Llama Guard model group of `model_list` through its provider adapter, as the
 * gateway calls any chat deployment, within a deadline. Any failure is a 503
 * `guardrail_unavailable`: the guardrail fails closed. Errors never carry the upstream's message,
 * which may echo the prompt.
 */
@Injectable()
export class LlamaGuardClient {
  private turn = 0;

  constructor(private readonly models: ModelRegistryService) {}

  async classify(call: LlamaGuardCall): Promise<string> {
    const deployment = this.pick(call.model);
    const left = (call.deadline ?? Date.now() + call.timeoutMs) - Date.now();
    if (left <= 0) throw unavailable(`no answer within ${call.timeoutMs} ms`);
    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, left);
    const onClientGone = (): void => controller.abort();
    call.signal.addEventListener('abort', onClientGone, { once: true });
    if (call.signal.aborted) controller.abort();
    try {
      return await untilAborted(this.ask(deployment, call, controller.signal), controller.signal);
    } catch (error) {
      if (error instanceof GuardrailException) throw error;
      if (timedOut) throw unavailable(`no answer within ${call.timeoutMs} ms`);
      if (call.signal.aborted) throw unavailable('the client went away');
      throw unavailable(`the guard model failed (${describe(error)})`);
    } finally {
      clearTimeout(timer);
      call.signal.removeEventListener('abort', onClientGone);
    }
  }

  /** The guard model's answer text to the prompt. */
  private async ask(
    deployment: ResolvedDeployment,
    call: LlamaGuardCall,
    signal: AbortSignal,
  ): Promise<string> {
    const answer = await deployment.adapter.chat(
      {
        model: deployment.modelName,
        messages: [{ role: 'user', content: call.prompt }],
        temperature: 0,
        max_tokens: MAX_TOKENS,
      },
      { deployment, signal, requestId: call.requestId },
    );
    const content = answer.choices[0]?.message.content;
    if (typeof content !== 'string') throw unavailable('the guard model gave no text');
    return content;
  }

  /** The group's chat deployments in turn. */
  private pick(model: string): ResolvedDeployment {
    const deployments = this.models.find(model)?.byCapability.get('chat') ?? [];
    if (deployments.length === 0) {
      throw unavailable(`model group "${model}" has no chat deployment`);
    }
    this.turn = (this.turn + 1) % deployments.length;
    return deployments[this.turn]!;
  }
}

function unavailable(reason: string): GuardrailException {
  return GuardrailException.unavailable(GUARDRAIL, reason);
}

function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Error('aborted'));
  return Promise.race([
    work,
    new Promise<never>((_resolve, reject) => {
      signal.addEventListener('abort', () => reject(new Error('aborted')), { once: true });
    }),
  ]);
}

/** An error code and status (ProviderException), never its message. */
function describe(error: unknown): string {
  const { code, status } = (error ?? {}) as { code?: unknown; status?: unknown };
  if (typeof code === 'string') return typeof status === 'number' ? `${code}, ${status}` : code;
  return 'an unexpected error';
}
