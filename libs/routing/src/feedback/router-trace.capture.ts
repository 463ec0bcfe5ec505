import { Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { RouterTraceWriter } from '@routeiq/persistence';
import type { RouterDecision } from '../decision/router-decision';
import { RouterDecisionLog, type DecisionSubject } from '../decision/router-decision.log';
import { RouterTraceConfig } from './router-trace.config';
import { traceRecordOf } from './router-trace.mapper';

/**
 * With `LLMROUTER_TRACE_ROUTING=true`, turns every answered request's decision into a trace row
 * (sampled by `LLMROUTER_TRACE_SAMPLE_RATE`) for the batched writer. Off, it does not even
 * subscribe, so the request path pays nothing.
 */
@Injectable()
export class RouterTraceCapture implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('RouterTrace');
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly config: RouterTraceConfig,
    private readonly decisions: RouterDecisionLog,
    private readonly writer: RouterTraceWriter,
  ) {}

  onModuleInit(): void {
    const { traceRouting, tracePrompts, sampleRate } = this.config;
    if (!traceRouting) {
      if (tracePrompts) {
        this.logger.warn('LLMROUTER_TRACE_PROMPTS has no effect: LLMROUTER_TRACE_ROUTING is off');
      }
      return;
    }
    this.unsubscribe = this.decisions.subscribe((decision, subject) =>
      this.capture(decision, subject, tracePrompts, sampleRate),
    );
    this.logger.log(
      `routing traces on (sample rate ${sampleRate}, prompt text ${tracePrompts ? 'kept' : 'not kept'})`,
    );
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
  }

  private capture(
    decision: RouterDecision,
    subject: DecisionSubject | undefined,
    keepPrompt: boolean,
    sampleRate: number,
  ): void {
    if (subject === undefined || decision.outcome !== 'success') return;
    if (sampleRate < 1 && Math.random() >= sampleRate) return;
    const record = traceRecordOf(decision, subject, keepPrompt);
    if (record) this.writer.record(record);
  }
}
