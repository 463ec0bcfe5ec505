/** Which OpenAI-compatible endpoint served a request. */
export type RequestLogEndpoint = 'chat' | 'completion' | 'embedding' | 'messages' | 'responses';

/** One served request, as the request path reports it after the response. Never holds prompt text. */
export interface RequestLogRecord {
  readonly requestId: string;
  readonly createdAt: Date;
  readonly endpoint: RequestLogEndpoint;
  readonly modelGroup: string;
  readonly deploymentId: string | null;
  readonly provider: string | null;
  readonly keyId: string | null;
  readonly statusCode: number;
  readonly stream: boolean;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
  /** USD */
  readonly spend: number;
  readonly latencyMs: number;
  readonly ttftMs: number | null;
  readonly errorCode: string | null;
}

/** A request log row as read back, with its database id. */
export interface StoredRequestLog extends RequestLogRecord {
  readonly id: string;
}
