import type { Context, Span } from '@opentelemetry/api';
// The module's `performance`, not the global: the global is an accessor, called at every read.
import { performance } from 'node:perf_hooks';

/**
 * The gateway's HTTP server span of one request. The HTTP observer opens it on arrival and closes
 * it when the response is done; a handler that describes the request further (an inference
 * request's GenAI attributes, with its routing and upstream calls as children) adopts it instead of
 * opening a span of its own, so a gateway request is one span. Whichever of the two is done last
 * ends it, at the time the response closed.
 */
export class ServerSpan {
  private adopted = false;
  /** `performance.now()` when the response closed while a handler held the span. */
  private closedAt: number | undefined;
  private ended = false;

  constructor(
    readonly span: Span,
    /** The caller's context with this span active: the parent of everything the request does. */
    readonly context: Context,
  ) {}

  /** The span for a handler to describe (one at a time); undefined when held already or closed. */
  adopt(): Span | undefined {
    if (this.adopted || this.closedAt !== undefined || this.ended) return undefined;
    this.adopted = true;
    return this.span;
  }

  /** The adopting handler is done; the span ends now if the response already closed. */
  release(): void {
    if (!this.adopted) return;
    this.adopted = false;
    if (this.closedAt === undefined) return;
    this.ended = true;
    this.span.end(this.closedAt);
  }

  /**
   * The response is done (its HTTP attributes set) at `at` (a `performance.now()` reading, now when
   * not given): ends the span unless a handler still holds it.
   */
  close(at?: number): void {
    if (this.closedAt !== undefined || this.ended) return;
    if (this.adopted) this.closedAt = at ?? performance.now();
    else {
      this.ended = true;
      this.span.end(at);
    }
  }
}
