import type { Span } from '@opentelemetry/api';
import * as observability from '@routeiq/observability';
import type { UpstreamTrace } from '@routeiq/providers';
import type { InferenceTrace } from './inference-trace';

// Read once: a lib's index re-exports compile to getters, called at every use (docs/performance.md
// "Tracing overhead", session 18).
const { Common, RouteIq, STATUS_CODE } = observability;

/** The span of one upstream call. */
export class AttemptSpan {
  constructor(
    private readonly trace: InferenceTrace,
    private readonly span: Span,
    /** Handed to the provider call: the context and the headers that carry it upstream. */
    readonly upstream: UpstreamTrace,
  ) {}

  succeeded(payload: object | undefined): void {
    if (payload) this.trace.callSucceeded(this.span, payload);
    else this.span.end();
  }

  /** A stream that has started: its span stays open until the stream ends. */
  streaming(): void {
    this.span.addEvent(RouteIq.FIRST_TOKEN_EVENT);
  }

  failed(error: unknown): void {
    const failure = error as { code?: unknown; status?: unknown; kind?: unknown };
    const type = typeof failure.code === 'string' ? failure.code : 'error';
    this.span.setAttribute(Common.ERROR_TYPE, type);
    if (typeof failure.status === 'number')
      this.span.setAttribute(Common.HTTP_STATUS, failure.status);
    this.span.setStatus({ code: STATUS_CODE.ERROR, message: type });
    this.span.end();
  }

  end(errorCode?: string): void {
    if (errorCode) {
      this.span.setAttribute(Common.ERROR_TYPE, errorCode);
      this.span.setStatus({ code: STATUS_CODE.ERROR, message: errorCode });
    }
    this.span.end();
  }
}
