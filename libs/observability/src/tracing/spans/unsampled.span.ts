import type { Span, SpanContext } from '@opentelemetry/api';

/**
 * A span that is not recorded (not sampled), as the API's non-recording span, but known to the
 * gateway's tracer: its children follow its decision without asking the sampler again.
 */
export class UnsampledSpan implements Span {
  constructor(private readonly context: SpanContext) {}

  spanContext(): SpanContext {
    return this.context;
  }

  setAttribute(): this {
    return this;
  }

  setAttributes(): this {
    return this;
  }

  addEvent(): this {
    return this;
  }

  addLink(): this {
    return this;
  }

  addLinks(): this {
    return this;
  }

  setStatus(): this {
    return this;
  }

  updateName(): this {
    return this;
  }

  end(): void {}

  isRecording(): boolean {
    return false;
  }

  recordException(): void {}
}
