import type { ResolvedKey } from '../keys/resolved-key';

const compiled = new Map<string, RegExp>();

function globToRegExp(glob: string): RegExp {
  let re = compiled.get(glob);
  if (!re) {
    const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
    re = new RegExp(`^${escaped}$`);
    if (compiled.size > 10_000) compiled.clear();
    compiled.set(glob, re);
  }
  return re;
}

function listAllows(models: readonly string[], model: string): boolean {
  if (models.length === 0) return true;
  for (const entry of models) {
    if (entry === model || entry === '*') return true;
    if (entry.includes('*') && globToRegExp(entry).test(model)) return true;
  }
  return false;
}

/**
 * A key may call a model group when both its own list and its team's list allow it (an empty list
 * allows every model; entries may be globs such as `gpt-4*`).
 */
export function keyAllowsModel(resolved: ResolvedKey | undefined, model: string): boolean {
  if (!resolved) return true;
  return listAllows(resolved.key.models, model) && listAllows(resolved.team?.models ?? [], model);
}
