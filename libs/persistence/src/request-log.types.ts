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
  /** The virtual key's alias, team and user at the time of the request. */
  readonly keyAlias: string | null;
  readonly teamId: string | null;
  readonly userId: string | null;
  readonly statusCode: number;
  readonly stream: boolean;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
  /** Prompt tokens read from / written to the provider's prompt cache (part of `promptTokens`). */
  readonly cachedPromptTokens: number;
  readonly cacheCreationTokens: number;
  /** Reasoning tokens (part of `completionTokens`). */
  readonly reasoningTokens: number;
  /** USD: the sum of the four costs below. */
  readonly spend: number;
  /** USD of the uncached prompt tokens. */
  readonly inputCost: number;
  readonly cacheReadCost: number;
  readonly cacheCreationCost: number;
  /** USD of the completion tokens, reasoning included. */
  readonly outputCost: number;
  readonly latencyMs: number;
  readonly ttftMs: number | null;
  readonly errorCode: string | null;
}

/** A request log row as read back, with its database id. */
export interface StoredRequestLog extends RequestLogRecord {
  readonly id: string;
}

/** Keyset position of a spend log row: the page after it starts with older rows. */
export interface SpendLogPosition {
  readonly createdAt: Date;
  readonly id: string;
}

/** Exact-match filters and a time range over request logs; every field narrows. */
export interface SpendFilter {
  readonly keyId?: string;
  readonly teamId?: string;
  readonly userId?: string;
  /** The model group. */
  readonly model?: string;
  readonly deploymentId?: string;
  readonly requestId?: string;
  /** Inclusive. */
  readonly since?: Date;
  /** Exclusive. */
  readonly until?: Date;
}

export interface SpendLogQuery extends SpendFilter {
  readonly after?: SpendLogPosition;
  readonly limit: number;
}

/** Rows newest first; `next` is set when more rows follow. */
export interface SpendLogPage {
  readonly items: StoredRequestLog[];
  readonly next: SpendLogPosition | null;
}

export const SPEND_GROUPS = ['key', 'team', 'user', 'model', 'deployment', 'day'] as const;
export type SpendGroup = (typeof SPEND_GROUPS)[number];

export interface SpendReportQuery extends SpendFilter {
  readonly groupBy: SpendGroup;
  readonly limit: number;
}

export interface SpendTotals {
  /** USD */
  readonly spend: number;
  readonly requests: number;
  /** Requests answered with a status >= 400. */
  readonly failedRequests: number;
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
  readonly cachedPromptTokens: number;
  readonly cacheCreationTokens: number;
  readonly reasoningTokens: number;
}

export interface SpendReportRow extends SpendTotals {
  /** The key id, team, user, model group, deployment or UTC day (`YYYY-MM-DD`); null: none. */
  readonly group: string | null;
  /** With `groupBy: 'key'`: an alias the key had in the range (keys may be renamed). */
  readonly keyAlias?: string | null;
}

/** Groups by spend, highest first (days in date order), and the totals of the whole range. */
export interface SpendReport {
  readonly rows: SpendReportRow[];
  readonly total: SpendTotals;
}
