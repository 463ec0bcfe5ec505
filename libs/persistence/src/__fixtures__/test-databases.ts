import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createTestDatabase } from '@routeiq/testing';
import type { DatabaseTarget } from '../database-target';
import type { RequestLogRecord } from '../request-log.types';

export type DatabaseKind = DatabaseTarget['kind'];
export const DATABASE_KINDS: readonly DatabaseKind[] = ['postgres', 'sqlite'];

export interface TestTarget {
  readonly target: DatabaseTarget;
  cleanup(): Promise<void>;
}

/** A fresh, empty database of the given kind: a new Postgres database or a temp SQLite file. */
export async function createTestTarget(kind: DatabaseKind): Promise<TestTarget> {
  if (kind === 'postgres') {
    const db = await createTestDatabase();
    return { target: { kind: 'postgres', url: db.url }, cleanup: () => db.drop() };
  }
  const dir = mkdtempSync(join(tmpdir(), 'routeiq-persistence-'));
  return {
    target: { kind: 'sqlite', path: join(dir, 'data', 'routeiq.sqlite') },
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function requestLogRecord(overrides: Partial<RequestLogRecord> = {}): RequestLogRecord {
  return {
    requestId: `req-${randomUUID()}`,
    createdAt: new Date('2025-11-28T10:15:30.123Z'),
    endpoint: 'chat',
    modelGroup: 'gpt-4o',
    deploymentId: 'dep-1',
    provider: 'openai',
    keyId: null,
    keyAlias: null,
    teamId: null,
    userId: null,
    statusCode: 200,
    stream: true,
    promptTokens: 12,
    completionTokens: 30,
    totalTokens: 42,
    cachedPromptTokens: 0,
    cacheCreationTokens: 0,
    reasoningTokens: 0,
    spend: 0.000125,
    inputCost: 0.000005,
    cacheReadCost: 0,
    cacheCreationCost: 0,
    outputCost: 0.00012,
    latencyMs: 850,
    ttftMs: 120,
    errorCode: null,
    ...overrides,
  };
}
