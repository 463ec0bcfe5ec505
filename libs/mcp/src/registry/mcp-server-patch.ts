import type { McpServerPatch, McpServerRecord } from '@routeiq/persistence';
import type { McpServerDraft } from './mcp-server.parser';

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
