/**
 * Wire types of the Bedrock Runtime Converse and ConverseStream APIs (only the fields the gateway
 * writes or reads). See https://docs.aws.amazon.com/bedrock/latest/APIReference/API_runtime_Converse.html
 */

export type ConverseImageFormat = 'png' | 'jpeg' | 'gif' | 'webp';

export interface ConverseToolUse {
  toolUseId: string;
  name: string;
  input: unknown;
}

export interface ConverseToolResult {
  toolUseId: string;
  content: Array<{ text: string }>;
  status?: 'success' | 'error';
}

export type ConverseContentBlock =
  | { text: string }
  | { image: { format: ConverseImageFormat; source: { bytes: string } } }
  | { toolUse: ConverseToolUse }
  | { toolResult: ConverseToolResult };

export interface ConverseMessage {
  role: 'user' | 'assistant';
  content: ConverseContentBlock[];
}

export interface ConverseInferenceConfig {
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  stopSequences?: string[];
}

export type ConverseToolChoice = { auto: object } | { any: object } | { tool: { name: string } };

export interface ConverseToolSpec {
  toolSpec: { name: string; description?: string; inputSchema: { json: unknown } };
}

export interface ConverseToolConfig {
  tools: ConverseToolSpec[];
  toolChoice?: ConverseToolChoice;
}

/** Body of `POST /model/{modelId}/converse` and `/converse-stream`. */
export interface ConverseRequest {
  messages: ConverseMessage[];
  system?: Array<{ text: string }>;
  inferenceConfig?: ConverseInferenceConfig;
  toolConfig?: ConverseToolConfig;
}

export interface ConverseUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cacheReadInputTokens?: number;
  cacheWriteInputTokens?: number;
}

/** Bedrock's `stopReason` values. */
export type ConverseStopReason =
  | 'end_turn'
  | 'tool_use'
  | 'max_tokens'
  | 'stop_sequence'
  | 'guardrail_intervened'
  | 'content_filtered'
  | (string & {});

export interface ConverseResponse {
  output?: { message?: { role: string; content?: ConverseResponseBlock[] } };
  stopReason?: ConverseStopReason;
  usage?: ConverseUsage;
  metrics?: { latencyMs?: number };
}

/** A content block as Bedrock answers it: other kinds (reasoning…) are skipped. */
export interface ConverseResponseBlock {
  text?: string;
  toolUse?: ConverseToolUse;
}

/** Payloads of ConverseStream events, keyed by the frame's `:event-type` header. */
export interface ConverseStreamEvents {
  messageStart: { role: string };
  contentBlockStart: {
    contentBlockIndex: number;
    start?: { toolUse?: { toolUseId: string; name: string } };
  };
  contentBlockDelta: {
    contentBlockIndex: number;
    delta?: { text?: string; toolUse?: { input: string } };
  };
  contentBlockStop: { contentBlockIndex: number };
  messageStop: { stopReason: ConverseStopReason };
  metadata: { usage?: ConverseUsage; metrics?: { latencyMs?: number } };
}

export type ConverseStreamEvent = {
  [K in keyof ConverseStreamEvents]: { type: K; payload: ConverseStreamEvents[K] };
}[keyof ConverseStreamEvents];
