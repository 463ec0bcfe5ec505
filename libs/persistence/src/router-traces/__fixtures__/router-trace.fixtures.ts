import { createHash, randomUUID } from 'node:crypto';
import type { RouterFeedbackRecord, RouterTraceRecord } from '../router-trace.types';

export const TRACE_T0 = new Date('2026-01-10T09:00:00.000Z');

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** A trace row; `prompt` also sets its hash unless `promptSha256` is given. */
export function routerTrace(overrides: Partial<RouterTraceRecord> = {}): RouterTraceRecord {
  const prompt = overrides.prompt === undefined ? 'What is 2 + 2?' : overrides.prompt;
  return {
    requestId: `req-${randomUUID()}`,
    createdAt: TRACE_T0,
    keyId: 'key-a',
    teamId: 'team-1',
    modelGroup: 'router-auto',
    deploymentId: 'dep-small',
    routerCandidate: 'small',
    strategy: 'llmrouter-knn',
    strategyVersion: 'a1b2c3d4e5f6',
    outcome: 'success',
    latencyMs: 420,
    promptTokens: 12,
    completionTokens: 30,
    totalTokens: 42,
    spend: 0.000072,
    prompt,
    promptSha256: prompt === null ? null : sha256Hex(prompt),
    ...overrides,
  };
}

export function routerFeedback(
  requestId: string,
  overrides: Partial<RouterFeedbackRecord> = {},
): RouterFeedbackRecord {
  return {
    requestId,
    keyId: 'key-a',
    score: 1,
    comment: null,
    createdAt: TRACE_T0,
    updatedAt: TRACE_T0,
    ...overrides,
  };
}
