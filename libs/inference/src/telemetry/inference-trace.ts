import type { Context, Span } from '@opentelemetry/api';
import type { GatewayRequest } from '@routeiq/common';
import * as observability from '@routeiq/observability';
import type { AttributeBlock, GatewayTracer, ServerSpan } from '@routeiq/observability';
import type { ResolvedDeployment } from '@routeiq/providers';
// The module's `performance`, not the global: the global is an accessor, called at every read.
import { performance } from 'node:perf_hooks';
import * as routing from '@routeiq/routing';
import type { RoutingSession } from '@routeiq/routing';
import { AttemptSpan } from './attempt.span';
import { decisionAttributes } from './decision-attributes';
import { responseAttributes, sameTokens } from './response-attributes';
import { newFacts, readFacts, type ResponseFacts } from './response-facts';
import {
  inputText,
  outputText,
  setAttemptAttributes,
  setRequestAttributes,
  setServedAttributes,
} from './trace-attributes';

// Read once: a lib's index re-exports compile to getters, called at every use (docs/performance.md
// "Tracing overhead", session 18).
const { Common, EndedChildSpan, GenAi, RouteIq, Router, SPAN_KIND, STATUS_CODE, spanName } =
  observability;
const { routerDecisionText } = routing;

const INTERNAL = Object.freeze({ kind: SPAN_KIND.INTERNAL });

/** How the request ended, as the trace records it. */
export interface TraceOutcome {
  readonly status: number;
  readonly errorCode?: string;
  readonly deployment?: ResolvedDeployment;
  readonly inputTokens?: number;
  readonly outputTokens?: number;
  readonly firstByteAt?: number;
}

/**
 * The spans of one inference request (tracing on only): the request span (the gateway's server
 * span `POST /v1/chat/completions` with the GenAI attributes added; a `chat gpt-4o` span of its
 * own under the http instrumentation's server span when that is on), one CLIENT span per
 * upstream call (retries and fallbacks included, a fallback's calls under a `fallback <group>`
 * span), and the routing decision span with the `routeiq.router_decision.v1` event. Contexts are
 * passed explicitly; see SyncContextManager.
 */
export class InferenceTrace {
  readonly context: Context;
  private readonly span: Span;
  /** The server span this trace describes, when it adopted one (then it does not end it). */
  private readonly server: ServerSpan | undefined;
  /** What the answer says: read from stream chunks, or the answering call's. */
  private facts: ResponseFacts | undefined;
  /** The last call's complete answer, what it says, and that as the call span's attributes. */
  private callPayload: object | undefined;
  private callFacts: ResponseFacts | undefined;
  private callResponse: AttributeBlock | undefined;
  private attempts = 0;
  private fallback: { group: string; span: Span; context: Context } | undefined;
  private output: string[] | undefined;
  /** Sampled: only then are attributes, facts and the routing span worth computing. */
  private readonly recording: boolean;
  private readonly startedAt = performance.now();

  constructor(
    private readonly tracer: GatewayTracer,
    private readonly operation: string,
    private readonly requestModel: string,
    req: GatewayRequest,
    stream: boolean,
    request: object,
    /** False for one model call of several (a hosted tool loop turn): it gets its own span. */
    answersRequest = true,
  ) {
    const parent = req.traceContext as Context | undefined;
    // The gateway's server span is the request's span: one span per gateway request. Only with
    // the http instrumentation making server spans does the request get a span of its own.
    const server = answersRequest ? tracer.adoptServerSpan(req) : undefined;
    this.server = server;
    const span = server?.span ?? tracer.startSpan(`${operation} ${requestModel}`, INTERNAL, parent);
    this.span = span;
    this.recording = span.isRecording();
    this.context = server?.context ?? tracer.contextWith(span, parent);
    if (!this.recording) return;
    setRequestAttributes(tracer, span, operation, requestModel, req, stream, request);
    if (tracer.captureContent) {
      span.setAttribute(GenAi.INPUT_MESSAGES, inputText(request));
      if (stream) this.output = [];
    }
  }

  /** Starts the span of one upstream call; `group` is the session's requested group. */
  attempt(deployment: ResolvedDeployment, group: string, session: RoutingSession): AttemptSpan {
    this.attempts += 1;
    const fallback = this.fallbackFor(deployment.modelName, group, session);
    const parentSpan = fallback ? fallback.span : this.span;
    const parent = fallback ? fallback.context : this.context;
    const type =
      this.attempts === 1 ? 'initial' : deployment.modelName === group ? 'retry' : 'fallback';
    const span = this.tracer.startChildSpan(
      parentSpan,
      parent,
      spanName(this.operation, deployment.upstreamModel),
      SPAN_KIND.CLIENT,
    );
    if (span.isRecording())
      setAttemptAttributes(this.tracer, span, this.operation, deployment, this.attempts, type);
    // Either the gateway sends `traceparent` itself, or the undici instrumentation does, parenting
    // its span on the context active when the request is created.
    return new AttemptSpan(
      this,
      span,
      this.tracer.injectsUpstream
        ? { headers: this.tracer.upstreamHeadersOf(span, parent) }
        : { context: this.tracer.contextWith(span, parent) },
    );
  }

  /** A streamed chunk as the client gets it (facts, and the text when LOG_QUERIES is on). */
  chunk(payload: object): void {
    if (!this.recording) return;
    readFacts(payload, (this.facts ??= newFacts()));
    if (this.output) {
      const delta = (payload as { choices?: Array<{ delta?: { content?: unknown } }> }).choices?.[0]
        ?.delta?.content;
      if (typeof delta === 'string') this.output.push(delta);
    }
  }

  /**
   * The complete answer of the call whose span is `span`, which ends: the span gets what the answer
   * says (its model, id, finish reasons and OpenAI usage), kept for the request span.
   */
  callSucceeded(span: Span, payload: object): void {
    if (span.isRecording()) {
      const facts = newFacts();
      readFacts(payload, facts);
      const usage = (
        payload as { usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } }
      ).usage;
      const input = usage?.prompt_tokens;
      const output = usage?.completion_tokens;
      const block = responseAttributes(
        facts,
        typeof input === 'number' ? input : undefined,
        typeof output === 'number' ? output : undefined,
      );
      if (block) this.tracer.addAttributeBlock(span, block);
      this.callPayload = payload;
      this.callFacts = facts;
      this.callResponse = block;
    }
    span.end();
  }

  /** A complete (non-streamed) answer: the answering call's facts when it is that call's. */
  answered(payload: object): void {
    if (!this.recording) return;
    if (payload === this.callPayload) this.facts = this.callFacts;
    else readFacts(payload, (this.facts ??= newFacts()));
    if (this.tracer.captureContent) {
      this.span.setAttribute(GenAi.OUTPUT_MESSAGES, outputText(payload));
    }
  }

  /** Ends every span: the routing decision first (it is complete only now), then the request. */
  end(
    outcome: TraceOutcome,
    session: RoutingSession | undefined,
    receivedAt: number | undefined,
  ): void {
    this.fallback?.span.end();
    const span = this.span;
    if (!this.recording) {
      this.finish();
      return;
    }
    if (session) this.routed(session);
    this.setEndAttributes(outcome);
    if (outcome.firstByteAt !== undefined && receivedAt !== undefined) {
      span.addEvent(
        RouteIq.FIRST_TOKEN_EVENT,
        { [GenAi.SERVER_TIME_TO_FIRST_TOKEN]: (outcome.firstByteAt - receivedAt) / 1000 },
        outcome.firstByteAt,
      );
    }
    if (outcome.status >= 500)
      span.setStatus({ code: STATUS_CODE.ERROR, message: outcome.errorCode });
    this.finish();
  }

  /** An adopted server span is handed back (the HTTP observer sets its status and ends it). */
  private finish(): void {
    if (this.server) this.server.release();
    else this.span.end();
  }

  private setEndAttributes(outcome: TraceOutcome): void {
    const span = this.span;
    const deployment = outcome.deployment;
    // A server span gets the status the client saw from the HTTP observer, 499 for a client gone.
    if (!this.server) span.setAttribute(Common.HTTP_STATUS, outcome.status);
    if (deployment) setServedAttributes(this.tracer, span, deployment);
    const response = this.callResponse;
    if (
      response !== undefined &&
      this.facts === this.callFacts &&
      sameTokens(response, outcome.inputTokens, outcome.outputTokens)
    )
      this.tracer.addAttributeBlock(span, response);
    else this.setResponseAttributes(outcome);
    if (outcome.errorCode) span.setAttribute(Common.ERROR_TYPE, outcome.errorCode);
    if (this.output)
      span.setAttribute(
        GenAi.OUTPUT_MESSAGES,
        JSON.stringify([{ role: 'assistant', content: this.output.join('') }]),
      );
  }

  /** What the answer says and the request's token counts, one by one. */
  private setResponseAttributes(outcome: TraceOutcome): void {
    const span = this.span;
    const facts = this.facts;
    if (facts?.model) span.setAttribute(GenAi.RESPONSE_MODEL, facts.model);
    if (facts?.id) span.setAttribute(GenAi.RESPONSE_ID, facts.id);
    if (facts && facts.finishReasons.length > 0)
      span.setAttribute(GenAi.RESPONSE_FINISH_REASONS, facts.finishReasons);
    if (outcome.inputTokens !== undefined)
      span.setAttribute(GenAi.USAGE_INPUT_TOKENS, outcome.inputTokens);
    if (outcome.outputTokens !== undefined)
      span.setAttribute(GenAi.USAGE_OUTPUT_TOKENS, outcome.outputTokens);
  }

  /**
   * The routing decision as a child span, timed from the session's start over its choosing, given
   * whole (EndedChildSpan): the record's JSON as pieces that repeat per group, written by the
   * encoder from their bytes (no string per request: docs/performance.md "Tracing overhead").
   */
  private routed(session: RoutingSession): void {
    const decision = session.decision;
    // The session began before this trace did (admission runs in between): the child span must
    // not start before its parent.
    const start = Math.max(session.startedAt, this.startedAt);
    const end = start + decision.timings.decision_us / 1000;
    this.tracer.addEndedChild(
      this.span,
      this.context,
      new EndedChildSpan(
        spanName('route', decision.model_group),
        SPAN_KIND.INTERNAL,
        start,
        end,
        decisionAttributes(decision),
        Router.DECISION_US,
        decision.timings.decision_us,
        RouteIq.DECISION_EVENT,
        RouteIq.DECISION_RECORD,
        routerDecisionText(decision),
      ),
    );
  }

  /** Calls of a fallback group go under one `fallback <group>` span (none for the group's own). */
  private fallbackFor(
    modelGroup: string,
    group: string,
    session: RoutingSession,
  ): { span: Span; context: Context } | undefined {
    if (modelGroup === group) return undefined;
    if (this.fallback?.group === modelGroup) return this.fallback;
    this.fallback?.span.end();
    const reason = session.decision.fallback?.reason ?? 'unknown';
    const span = this.tracer.startSpan(
      `fallback ${modelGroup}`,
      {
        kind: SPAN_KIND.INTERNAL,
        attributes: {
          [RouteIq.FALLBACK_FROM]: group,
          [RouteIq.FALLBACK_TO]: modelGroup,
          [RouteIq.FALLBACK_REASON]: reason,
        },
      },
      this.context,
    );
    this.fallback = {
      group: modelGroup,
      span,
      context: this.tracer.contextWith(span, this.context),
    };
    return this.fallback;
  }
}
