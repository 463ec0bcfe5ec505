import type { HistogramDescriptor, MetricDescriptor } from './metric.types';

// Names follow the OpenTelemetry GenAI semantic conventions where one exists; the gateway's own
// metrics live under `routeiq.*`.

/** GenAI semconv advisory buckets for operation durations (seconds). */
export const GEN_AI_DURATION_BUCKETS = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
] as const;
/** GenAI semconv advisory buckets for token counts. */
export const GEN_AI_TOKEN_BUCKETS = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
] as const;
/** GenAI semconv advisory buckets for time to first token (seconds). */
export const GEN_AI_TTFT_BUCKETS = [
  0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
] as const;
/** Routing decisions run in microseconds; 100 ms means something is badly wrong. */
export const ROUTER_DECISION_BUCKETS = [
  0.000005, 0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.005, 0.025, 0.1,
] as const;
/** Whole requests: fast refusals through long streamed completions. */
export const REQUEST_DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300,
] as const;

const GEN_AI_OPERATION = 'gen_ai.operation.name';
const GEN_AI_PROVIDER = 'gen_ai.provider.name';
const GEN_AI_REQUEST_MODEL = 'gen_ai.request.model';
const GEN_AI_RESPONSE_MODEL = 'gen_ai.response.model';

export const REQUESTS: MetricDescriptor = {
  name: 'routeiq.requests',
  prometheusName: 'routeiq_requests_total',
  help: 'HTTP requests answered, by route, model group, deployment and status.',
  unit: '{request}',
  labels: ['route', 'model', 'deployment', 'status'],
};
export const REQUEST_ERRORS: MetricDescriptor = {
  name: 'routeiq.request.errors',
  prometheusName: 'routeiq_request_errors_total',
  help: 'HTTP requests answered with a status of 400 or more, by error code.',
  unit: '{request}',
  labels: ['route', 'model', 'deployment', 'status', 'code'],
};
export const REQUEST_DURATION: HistogramDescriptor = {
  name: 'routeiq.request.duration',
  prometheusName: 'routeiq_request_duration_seconds',
  help: 'HTTP request duration, from arrival to the last byte written.',
  unit: 's',
  labels: ['route', 'model', 'status'],
  buckets: REQUEST_DURATION_BUCKETS,
};
export const REQUESTS_IN_FLIGHT: MetricDescriptor = {
  name: 'routeiq.requests.in_flight',
  prometheusName: 'routeiq_requests_in_flight',
  help: 'HTTP requests being served, by route.',
  unit: '{request}',
  labels: ['route'],
};
export const CLIENT_OPERATION_DURATION: HistogramDescriptor = {
  name: 'gen_ai.client.operation.duration',
  prometheusName: 'gen_ai_client_operation_duration_seconds',
  help: 'Duration of upstream GenAI provider calls.',
  unit: 's',
  labels: [
    GEN_AI_OPERATION,
    GEN_AI_PROVIDER,
    GEN_AI_REQUEST_MODEL,
    GEN_AI_RESPONSE_MODEL,
    'error.type',
    'routeiq.deployment',
  ],
  buckets: GEN_AI_DURATION_BUCKETS,
};
export const CLIENT_TOKEN_USAGE: HistogramDescriptor = {
  name: 'gen_ai.client.token.usage',
  prometheusName: 'gen_ai_client_token_usage',
  help: 'Tokens used per upstream GenAI call, by token type.',
  unit: '{token}',
  labels: [
    GEN_AI_OPERATION,
    GEN_AI_PROVIDER,
    GEN_AI_REQUEST_MODEL,
    GEN_AI_RESPONSE_MODEL,
    'gen_ai.token.type',
  ],
  buckets: GEN_AI_TOKEN_BUCKETS,
};
export const SERVER_TIME_TO_FIRST_TOKEN: HistogramDescriptor = {
  name: 'gen_ai.server.time_to_first_token',
  prometheusName: 'gen_ai_server_time_to_first_token_seconds',
  help: 'Time from request arrival to the first streamed token sent to the client.',
  unit: 's',
  labels: [GEN_AI_OPERATION, GEN_AI_REQUEST_MODEL],
  buckets: GEN_AI_TTFT_BUCKETS,
};
export const SERVER_REQUEST_DURATION: HistogramDescriptor = {
  name: 'gen_ai.server.request.duration',
  prometheusName: 'gen_ai_server_request_duration_seconds',
  help: 'Duration of GenAI requests served by the gateway.',
  unit: 's',
  labels: [GEN_AI_OPERATION, GEN_AI_REQUEST_MODEL, 'error.type'],
  buckets: GEN_AI_DURATION_BUCKETS,
};
export const ROUTER_DECISION_DURATION: HistogramDescriptor = {
  name: 'routeiq.router.decision.duration',
  prometheusName: 'routeiq_router_decision_duration_seconds',
  help: 'Time the router took to choose a deployment.',
  unit: 's',
  labels: ['strategy', 'model_group'],
  buckets: ROUTER_DECISION_BUCKETS,
};
export const ROUTER_RETRIES: MetricDescriptor = {
  name: 'routeiq.router.retries',
  prometheusName: 'routeiq_router_retries_total',
  help: 'Retries of an upstream call, by model group and the deployment retried.',
  unit: '{retry}',
  labels: ['model_group', 'deployment'],
};
export const ROUTER_FALLBACKS: MetricDescriptor = {
  name: 'routeiq.router.fallbacks',
  prometheusName: 'routeiq_router_fallbacks_total',
  help: 'Fallbacks from one model group to another, by reason.',
  unit: '{fallback}',
  labels: ['from', 'to', 'reason'],
};
export const BREAKER_TRANSITIONS: MetricDescriptor = {
  name: 'routeiq.deployment.breaker.transitions',
  prometheusName: 'routeiq_deployment_breaker_transitions_total',
  help: 'Circuit breaker state changes, by deployment.',
  unit: '{transition}',
  labels: ['deployment', 'from', 'to'],
};
export const COOLDOWNS: MetricDescriptor = {
  name: 'routeiq.deployment.cooldowns',
  prometheusName: 'routeiq_deployment_cooldowns_total',
  help: 'Cooldowns started, by deployment.',
  unit: '{cooldown}',
  labels: ['deployment'],
};
export const BREAKERS_OPEN: MetricDescriptor = {
  name: 'routeiq.deployment.breaker.open',
  prometheusName: 'routeiq_deployment_breakers_open',
  help: 'Deployments whose circuit breaker is open (1 per open breaker).',
  unit: '{breaker}',
  labels: ['deployment'],
};
export const QUOTA_REJECTIONS: MetricDescriptor = {
  name: 'routeiq.quota.rejections',
  prometheusName: 'routeiq_quota_rejections_total',
  help: 'Requests refused by a quota rule, by subject kind and metric.',
  unit: '{request}',
  labels: ['subject', 'metric'],
};
export const SPEND: MetricDescriptor = {
  name: 'routeiq.spend',
  prometheusName: 'routeiq_spend_usd_total',
  help: 'Spend on upstream calls in US dollars, by model group, deployment and team.',
  unit: 'USD',
  labels: ['model', 'deployment', 'team'],
};
export const MCP_CALLS: MetricDescriptor = {
  name: 'routeiq.mcp.calls',
  prometheusName: 'routeiq_mcp_calls_total',
  help: 'MCP calls proxied, by server, method and status.',
  unit: '{call}',
  labels: ['server', 'method', 'status'],
};
export const MCP_CALL_DURATION: HistogramDescriptor = {
  name: 'routeiq.mcp.call.duration',
  prometheusName: 'routeiq_mcp_call_duration_seconds',
  help: 'Duration of proxied MCP calls.',
  unit: 's',
  labels: ['server', 'method'],
  buckets: REQUEST_DURATION_BUCKETS,
};
export const A2A_CALLS: MetricDescriptor = {
  name: 'routeiq.a2a.calls',
  prometheusName: 'routeiq_a2a_calls_total',
  help: 'A2A calls proxied, by agent, method and status.',
  unit: '{call}',
  labels: ['agent', 'method', 'status'],
};
export const A2A_CALL_DURATION: HistogramDescriptor = {
  name: 'routeiq.a2a.call.duration',
  prometheusName: 'routeiq_a2a_call_duration_seconds',
  help: 'Duration of proxied A2A calls.',
  unit: 's',
  labels: ['agent', 'method'],
  buckets: REQUEST_DURATION_BUCKETS,
};
