import type { McpServerPatch, McpServerRecord } from '@routeiq/persistence';
import type { McpServerDraft } from './mcp-server.parser';
import { MASKED_VALUE } from './mcp-server.view';

/** A view's masked header values sent back keep the stored values (matched case-insensitively). */
export function unmasked(
  headers: Record<string, string>,
  current: McpServerRecord,
): Record<string, string> {
  const stored = new Map(
    Object.entries(current.staticHeaders).map(([name, value]) => [name.toLowerCase(), value]),
  );
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      value === MASKED_VALUE ? (stored.get(name.toLowerCase()) ?? value) : value,
    ]),
  );
}

/** The client-settable fields of a stored server. */
export function draftOf(record: McpServerRecord): McpServerDraft {
  const {
    createdAt: _createdAt,
    updatedAt: _updatedAt,
    createdBy: _createdBy,
    updatedBy: _updatedBy,
    ...draft
  } = record;
  return { ...draft };
}

/** The fields of `merged` that differ from `current` (deep, by JSON value). */
export function changes(merged: McpServerDraft, current: McpServerRecord): McpServerPatch {
  const patch: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(merged)) {
    if (key === 'serverId') continue;
    const before: unknown = current[key as keyof McpServerRecord];
    if (JSON.stringify(before) !== JSON.stringify(value)) patch[key] = value;
  }
  return patch;
}
