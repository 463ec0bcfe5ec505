import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import type { MetricProducer } from '@opentelemetry/sdk-metrics';
import * as d from './gateway-metrics.descriptors';
import { MetricRegistry } from './metric-registry';
import { RegistryMetricProducer } from './otel-metric.producer';
import { registerProcessMetrics, type ProcessMetricsHandle } from './process-metrics';
import { renderPrometheusText } from './prometheus-text';

type Source<T> = () => Iterable<T>;

/**
 * The gateway's metrics: typed recording methods over one registry, read by `GET /metrics` and by
 * the OpenTelemetry SDK (through `producer()`). Label values are strings; '' means "none".
 */
@Injectable()
export class GatewayMetrics implements OnModuleDestroy {
  readonly registry = new MetricRegistry();

  private readonly requests = this.registry.counter(d.REQUESTS);
  private readonly requestErrors = this.registry.counter(d.REQUEST_ERRORS);
  private readonly requestDuration = this.registry.histogram(d.REQUEST_DURATION);
  private readonly clientDuration = this.registry.histogram(d.CLIENT_OPERATION_DURATION);
  private readonly tokens = this.registry.histogram(d.CLIENT_TOKEN_USAGE);
  private readonly ttft = this.registry.histogram(d.SERVER_TIME_TO_FIRST_TOKEN);
  private readonly serverDuration = this.registry.histogram(d.SERVER_REQUEST_DURATION);
  private readonly decisionDuration = this.registry.histogram(d.ROUTER_DECISION_DURATION);
  private readonly retries = this.registry.counter(d.ROUTER_RETRIES);
  private readonly fallbacks = this.registry.counter(d.ROUTER_FALLBACKS);
  private readonly breakerTransitions = this.registry.counter(d.BREAKER_TRANSITIONS);
  private readonly cooldowns = this.registry.counter(d.COOLDOWNS);
  private readonly quotaRejections = this.registry.counter(d.QUOTA_REJECTIONS);
  private readonly spendUsd = this.registry.counter(d.SPEND);
  private readonly mcpCalls = this.registry.counter(d.MCP_CALLS);
  private readonly mcpDuration = this.registry.histogram(d.MCP_CALL_DURATION);
  private readonly a2aCalls = this.registry.counter(d.A2A_CALLS);
  private readonly a2aDuration = this.registry.histogram(d.A2A_CALL_DURATION);

  private inFlightSource: Source<[route: string, count: number]> = () => [];
  private openBreakersSource: Source<string> = () => [];
  private readonly process: ProcessMetricsHandle;
  private otelProducer: MetricProducer | undefined;

  constructor() {
    this.registry.gauge(d.REQUESTS_IN_FLIGHT, (emit) => {
      for (const [route, count] of this.inFlightSource()) emit(count, route);
    });
    this.registry.gauge(d.BREAKERS_OPEN, (emit) => {
      for (const deployment of this.openBreakersSource()) emit(1, deployment);
    });
    this.process = registerProcessMetrics(this.registry);
  }

  /** One answered HTTP request; `errorCode` is the error envelope's code (counted when status >= 400). */
  httpRequest(
    route: string,
    model: string,
    deployment: string,
    status: number,
    seconds: number,
    errorCode?: string,
  ): void {
    const code = String(status);
    this.requests.add(1, route, model, deployment, code);
    if (status >= 400) this.requestErrors.add(1, route, model, deployment, code, errorCode ?? '');
    this.requestDuration.record(seconds, route, model, code);
  }

  /** Sets what the in-flight gauge reads at scrape time: the current count per route. */
  observeInFlight(source: Source<[route: string, count: number]>): void {
    this.inFlightSource = source;
  }

  /** One call to a provider; `errorType` is '' (or absent) when it succeeded. */
  upstreamCall(
    operation: string,
    provider: string,
    requestModel: string,
    responseModel: string,
    deployment: string,
    seconds: number,
    errorType?: string,
  ): void {
    this.clientDuration.record(
      seconds,
      operation,
      provider,
      requestModel,
      responseModel,
      errorType ?? '',
      deployment,
    );
  }

  tokenUsage(
    operation: string,
    provider: string,
    requestModel: string,
    responseModel: string,
    inputTokens: number,
    outputTokens: number,
  ): void {
    this.tokens.record(inputTokens, operation, provider, requestModel, responseModel, 'input');
    this.tokens.record(outputTokens, operation, provider, requestModel, responseModel, 'output');
  }

  timeToFirstToken(operation: string, requestModel: string, seconds: number): void {
    this.ttft.record(seconds, operation, requestModel);
  }

  serverRequest(
    operation: string,
    requestModel: string,
    seconds: number,
    errorType?: string,
  ): void {
    this.serverDuration.record(seconds, operation, requestModel, errorType ?? '');
  }

  routingDecision(strategy: string, modelGroup: string, seconds: number): void {
    this.decisionDuration.record(seconds, strategy, modelGroup);
  }

  routingRetry(modelGroup: string, deployment: string): void {
    this.retries.add(1, modelGroup, deployment);
  }

  routingFallback(from: string, to: string, reason: string): void {
    this.fallbacks.add(1, from, to, reason);
  }

  breakerTransition(deployment: string, from: string, to: string): void {
    this.breakerTransitions.add(1, deployment, from, to);
  }

  cooldownStarted(deployment: string): void {
    this.cooldowns.add(1, deployment);
  }

  /** Sets what the open-breakers gauge reads at scrape time: the ids of open deployments. */
  observeOpenBreakers(source: Source<string>): void {
    this.openBreakersSource = source;
  }

  quotaRejected(subject: string, metric: string): void {
    this.quotaRejections.add(1, subject, metric);
  }

  /** Zero and non-finite amounts are ignored. */
  spend(model: string, deployment: string, team: string, usd: number): void {
    if (usd !== 0 && Number.isFinite(usd)) this.spendUsd.add(usd, model, deployment, team);
  }

  mcpCall(server: string, method: string, status: string, seconds: number): void {
    this.mcpCalls.add(1, server, method, status);
    this.mcpDuration.record(seconds, server, method);
  }

  a2aCall(agent: string, method: string, status: string, seconds: number): void {
    this.a2aCalls.add(1, agent, method, status);
    this.a2aDuration.record(seconds, agent, method);
  }

  prometheusText(): string {
    return renderPrometheusText(this.registry);
  }

  /** For a `MetricReader`'s `metricProducers`: exports these metrics over OTLP. */
  producer(): MetricProducer {
    return (this.otelProducer ??= new RegistryMetricProducer(this.registry));
  }

  onModuleDestroy(): void {
    this.process.stop();
  }
}
