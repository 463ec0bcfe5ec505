import { CommonException } from '@routeiq/common';
import {
  type GovernanceFields,
  NO_AGENT_RESTRICTIONS,
  NO_MCP_RESTRICTIONS,
} from '@routeiq/persistence';
import { checkAgentRpmLimits } from './agent-rpm-limit';
import { addBudgetDuration, isBudgetDuration } from './budget-period';
import { isPermission } from '../rbac/permission';

export type JsonObject = Record<string, unknown>;

const MAX_ID_LENGTH = 255;
/** `teams.team_id` is varchar(128). */
export const MAX_TEAM_ID_LENGTH = 128;
export const MAX_LIST = 256;
const MAX_METADATA_BYTES = 16_384;
// Ids end up in logs, headers and Redis keys: printable ASCII without spaces or quotes.
const SAFE_ID = /^[A-Za-z0-9._:@+\-/]+$/;

function fail(message: string, param: string): never {
  throw CommonException.invalidRequest(message, param);
}

export function requireObject(body: unknown): JsonObject {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    fail('The request body must be a JSON object', '');
  }
  return body as JsonObject;
}

/** An id-like string (team_id, user_id, key_alias); undefined when absent, null when null. */
export function idField(
  body: JsonObject,
  name: string,
  maxLength = MAX_ID_LENGTH,
): string | null | undefined {
  const value = body[name];
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    fail(`"${name}" must be a string of 1 to ${maxLength} characters`, name);
  }
  if (!SAFE_ID.test(value)) {
    fail(`"${name}" may contain only letters, digits and . _ : @ + - /`, name);
  }
  return value;
}

// Aliases are labels for people: any printable text, but no control characters.
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const LABEL = /^[^\u0000-\u001f\u007f]+$/u;

/** A human label (key_alias, team_alias); undefined when absent, null when null. */
export function labelField(body: JsonObject, name: string): string | null | undefined {
  const value = body[name];
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string' || value.trim().length === 0 || value.length > MAX_ID_LENGTH) {
    fail(`"${name}" must be a string of 1 to ${MAX_ID_LENGTH} characters`, name);
  }
  if (!LABEL.test(value)) fail(`"${name}" must not contain control characters`, name);
  return value;
}

export function stringList(body: JsonObject, name: string): string[] | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  return stringArray(value, name);
}

/** A de-duplicated array of non-empty strings; `param` names the field in errors. */
export function stringArray(value: unknown, param: string): string[] {
  if (!Array.isArray(value) || value.length > MAX_LIST) {
    fail(`"${param}" must be an array of at most ${MAX_LIST} strings`, param);
  }
  for (const item of value) {
    if (typeof item !== 'string' || item.length === 0 || item.length > MAX_ID_LENGTH) {
      fail(`"${param}" must contain non-empty strings`, param);
    }
  }
  return [...new Set(value as string[])];
}

export function permissionList(body: JsonObject): string[] | undefined {
  const permissions = stringList(body, 'permissions');
  const bad = permissions?.find((permission) => !isPermission(permission));
  if (bad !== undefined) fail(`"permissions" has an invalid permission "${bad}"`, 'permissions');
  return permissions;
}

function nonNegative(body: JsonObject, name: string, integer: boolean): number | null | undefined {
  const value = body[name];
  if (value === undefined || value === null) return value;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    fail(`"${name}" must be a number >= 0`, name);
  }
  if (integer && !Number.isInteger(value)) fail(`"${name}" must be an integer`, name);
  return value;
}

function budgetDuration(body: JsonObject): string | null | undefined {
  const value = body.budget_duration;
  if (value === undefined || value === null) return value;
  if (typeof value !== 'string' || !isBudgetDuration(value)) {
    fail(
      '"budget_duration" must be like "30s", "10m", "12h", "1d", "7d", "1mo", "daily", "weekly" or "monthly"',
      'budget_duration',
    );
  }
  return value;
}

function metadata(body: JsonObject): Record<string, unknown> | undefined {
  const value = body.metadata;
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value))
    fail('"metadata" must be an object', 'metadata');
  if (JSON.stringify(value).length > MAX_METADATA_BYTES) {
    fail(`"metadata" must be under ${MAX_METADATA_BYTES} bytes of JSON`, 'metadata');
  }
  checkAgentRpmLimits(value as JsonObject);
  return value as Record<string, unknown>;
}

function booleanField(body: JsonObject, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') fail(`"${name}" must be a boolean`, name);
  return value;
}

type GovernancePatch = Partial<
  Pick<
    GovernanceFields,
    'models' | 'maxBudget' | 'budgetDuration' | 'rpmLimit' | 'tpmLimit' | 'blocked' | 'metadata'
  >
>;

/** The fields keys and teams share, as given (absent fields stay absent). */
export function governancePatch(body: JsonObject): GovernancePatch {
  const patch: GovernancePatch = {};
  const models = stringList(body, 'models');
  if (models !== undefined) patch.models = models;
  const maxBudget = nonNegative(body, 'max_budget', false);
  if (maxBudget !== undefined) patch.maxBudget = maxBudget;
  const duration = budgetDuration(body);
  if (duration !== undefined) patch.budgetDuration = duration;
  const rpm = nonNegative(body, 'rpm_limit', true);
  if (rpm !== undefined) patch.rpmLimit = rpm;
  const tpm = nonNegative(body, 'tpm_limit', true);
  if (tpm !== undefined) patch.tpmLimit = tpm;
  const blocked = booleanField(body, 'blocked');
  if (blocked !== undefined) patch.blocked = blocked;
  const meta = metadata(body);
  if (meta !== undefined) patch.metadata = meta;
  return patch;
}

/** `duration` of a key ("30d", "1h", …) → its expiry instant; null clears it. */
export function expiryField(body: JsonObject, now: Date): Date | null | undefined {
  const value = body.duration;
  if (value === undefined) return undefined;
  if (value === null) return null;
  if (typeof value !== 'string' || !isBudgetDuration(value)) {
    fail('"duration" must be like "30s", "10m", "12h", "30d" or "1mo"', 'duration');
  }
  return addBudgetDuration(now, value);
}

export function pageParams(query: Record<string, unknown>): { page: number; size: number } {
  const page = positiveInt(query.page, 1, 'page', 1_000_000);
  const size = positiveInt(query.size, 50, 'size', 500);
  return { page, size };
}

function positiveInt(value: unknown, fallback: number, name: string, max: number): number {
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1 || number > max) {
    fail(`"${name}" must be an integer between 1 and ${max}`, name);
  }
  return number;
}

/** A new key's or team's governance before the request's fields apply. */
export function newGovernance(now: Date): GovernanceFields {
  return {
    models: [],
    maxBudget: null,
    budgetDuration: null,
    budgetResetAt: null,
    spend: 0,
    rpmLimit: null,
    tpmLimit: null,
    blocked: false,
    metadata: {},
    mcp: structuredClone(NO_MCP_RESTRICTIONS),
    agents: structuredClone(NO_AGENT_RESTRICTIONS),
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * A new record, or a changed `budget_duration`, starts a budget period now: sets `budgetResetAt`
 * on `patch` (null without a duration).
 */
export function startBudgetPeriod(
  patch: { budgetDuration?: string | null; budgetResetAt?: Date | null },
  now: Date,
  current?: { budgetDuration: string | null },
): void {
  if (patch.budgetDuration === undefined && current) return;
  const duration =
    patch.budgetDuration === undefined ? current?.budgetDuration : patch.budgetDuration;
  patch.budgetResetAt = duration ? addBudgetDuration(now, duration) : null;
}
