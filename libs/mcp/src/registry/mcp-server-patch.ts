import type { McpServerPatch, McpServerRecord } from '@routeiq/persistence';
import type { McpServerDraft } from './mcp-server.parser';
import { MASKED_VALUE } from './mcp-server.view';

/**
 * A view's masked values sent back keep the stored values: header names match
 * case-insensitively, environment variable names exactly.
 */
export function unmasked(
  values: Record<string, string>,
  stored: Record<string, string>,
  caseInsensitive: boolean,
): Record<string, string> {
  const fold = (name: string): string => (caseInsensitive ? name.toLowerCase() : name);
  const known = new Map(Object.entries(stored).map(([name, value]) => [fold(name), value]));
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [
      name,
      value === MASKED_VALUE ? (known.get(fold(name)) ?? value) : value,
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
