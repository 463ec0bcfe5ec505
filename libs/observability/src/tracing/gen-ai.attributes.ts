/**
 * Attribute names of the OpenTelemetry GenAI semantic conventions (and the gateway's own), spelled
 * once. The semconv package keeps the GenAI names in its unstable entry point; these strings are
 * the contract our traces and dashboards rely on.
 */
export const GenAi = {
  OPERATION_NAME: 'gen_ai.operation.name',
  PROVIDER_NAME: 'gen_ai.provider.name',
  REQUEST_MODEL: 'gen_ai.request.model',
  REQUEST_MAX_TOKENS: 'gen_ai.request.max_tokens',
  REQUEST_TEMPERATURE: 'gen_ai.request.temperature',
  REQUEST_TOP_P: 'gen_ai.request.top_p',
  RESPONSE_MODEL: 'gen_ai.response.model',
  RESPONSE_ID: 'gen_ai.response.id',
  RESPONSE_FINISH_REASONS: 'gen_ai.response.finish_reasons',
  USAGE_INPUT_TOKENS: 'gen_ai.usage.input_tokens',
  USAGE_OUTPUT_TOKENS: 'gen_ai.usage.output_tokens',
  INPUT_MESSAGES: 'gen_ai.input.messages',
  OUTPUT_MESSAGES: 'gen_ai.output.messages',
  SERVER_TIME_TO_FIRST_TOKEN: 'gen_ai.server.time_to_first_token',
} as const;

export const RouteIq = {
  REQUEST_ID: 'routeiq.request_id',
  MODEL_GROUP: 'routeiq.model_group',
  DEPLOYMENT_ID: 'routeiq.deployment.id',
  STREAM: 'routeiq.stream',
  KEY_ALIAS: 'routeiq.key.alias',
  TEAM_ID: 'routeiq.team.id',
  ATTEMPT: 'routeiq.attempt',
  ATTEMPT_TYPE: 'routeiq.attempt.type',
  OVERHEAD_MS: 'routeiq.overhead_ms',
  FALLBACK_FROM: 'routeiq.fallback.from',
  FALLBACK_TO: 'routeiq.fallback.to',
  FALLBACK_REASON: 'routeiq.fallback.reason',
  FIRST_TOKEN_EVENT: 'routeiq.first_token',
  DECISION_EVENT: 'routeiq.router_decision.v1',
  DECISION_RECORD: 'routeiq.router_decision',
  /** Rounds of MCP tool calls the gateway ran for a chat completion (the hosted tool loop). */
  MCP_TOOL_TURNS: 'routeiq.mcp.tool_turns',
} as const;

export const Router = {
  STRATEGY: 'router.strategy',
  STRATEGY_VERSION: 'router.strategy_version',
  MODEL_GROUP: 'router.model_group',
  SELECTED: 'router.selected_deployment',
  CANDIDATES: 'router.candidates',
  REASON: 'router.reason',
  DECISION_US: 'router.decision_us',
  OUTCOME: 'router.outcome',
  EXPERIMENT: 'router.experiment',
  STRATEGY_ERROR: 'router.strategy_error',
} as const;

export const Common = {
  ERROR_TYPE: 'error.type',
  SERVER_ADDRESS: 'server.address',
  SERVER_PORT: 'server.port',
  HTTP_STATUS: 'http.response.status_code',
} as const;

// Provider prefixes whose semconv name differs from the prefix itself.
const PROVIDER_NAMES: Readonly<Record<string, string>> = {
  azure: 'azure.ai.openai',
  azure_ai: 'azure.ai.inference',
  bedrock: 'aws.bedrock',
  gemini: 'gcp.gemini',
  vertex_ai: 'gcp.vertex_ai',
  mistral: 'mistral_ai',
  xai: 'x_ai',
  watsonx: 'ibm.watsonx.ai',
};

/** `gen_ai.provider.name` of a LiteLLM provider prefix (`openai`, `bedrock` → `aws.bedrock`). */
export function genAiProviderName(prefix: string): string {
  return PROVIDER_NAMES[prefix] ?? prefix;
}

/** `gen_ai.operation.name` of the gateway's inference endpoints. */
export function genAiOperationName(endpoint: string): string {
  switch (endpoint) {
    case 'completion':
      return 'text_completion';
    case 'embedding':
      return 'embeddings';
    default:
      return 'chat';
  }
}
