import type { ResolvedKey } from './resolved-key';

const GUARDRAILS_FIELD = 'guardrails';

// Keyed by the cached entry, so the selection is read from metadata once per load of a key, not
// once per request; a reloaded key is a new entry and is read again.
const selections = new WeakMap<ResolvedKey, readonly string[] | null>();

/**
 * The guardrails a key selects: its own `metadata.guardrails`, else its team's, else undefined
 * (every enabled guardrail runs). An empty array selects none.
 */
export function guardrailsOf(resolved: ResolvedKey): readonly string[] | undefined {
  let selected = selections.get(resolved);
  if (selected === undefined) {
    selected = selectionOf(resolved.key.metadata) ?? selectionOf(resolved.team?.metadata) ?? null;
    selections.set(resolved, selected);
  }
  return selected ?? undefined;
}

/** The string entries of `metadata.guardrails` when it is an array; null otherwise. */
function selectionOf(
  metadata: Readonly<Record<string, unknown>> | undefined,
): readonly string[] | null {
  const value = metadata?.[GUARDRAILS_FIELD];
  if (!Array.isArray(value)) return null;
  return Object.freeze(value.filter((name): name is string => typeof name === 'string'));
}
