import { QUALITY_MODEL_KINDS, type QualityModelKind, type RouterArtifact } from '../ml.types';

export const ROUTER_FORMAT = 'routeiq.router.v1';
const MAX_CANDIDATES = 256;

/**
 * Checks parsed router.json against `RouterArtifact` (the featurizer and model specs are checked
 * further by their own `fromJSON`). Messages name the field, never its value.
 * @throws RangeError naming the first bad field.
 */
export function parseRouterArtifact(value: unknown): RouterArtifact {
  if (!isRecord(value)) throw new RangeError('must be a JSON object');
  if (value.format !== ROUTER_FORMAT) throw new RangeError(`format must be "${ROUTER_FORMAT}"`);
  if (typeof value.created_at !== 'string' || !Number.isFinite(Date.parse(value.created_at))) {
    throw new RangeError('created_at must be an ISO-8601 timestamp');
  }
  const candidates = parseCandidates(value.candidates);
  const { featurizer, model } = value;
  if (!isRecord(featurizer) || typeof featurizer.kind !== 'string') {
    throw new RangeError('featurizer must be an object with a "kind"');
  }
  if (typeof featurizer.version !== 'number')
    throw new RangeError('featurizer.version must be a number');
  if (!isRecord(model) || !QUALITY_MODEL_KINDS.includes(model.kind as QualityModelKind)) {
    throw new RangeError(`model.kind must be one of ${QUALITY_MODEL_KINDS.join(', ')}`);
  }
  checkCosts(value.candidate_costs, candidates);
  if (value.threshold !== undefined && typeof value.threshold !== 'number') {
    throw new RangeError('threshold must be a number');
  }
  for (const field of ['strong', 'weak'] as const) {
    const name = value[field];
    if (name !== undefined && (typeof name !== 'string' || !candidates.includes(name))) {
      throw new RangeError(`${field} must name one of the candidates`);
    }
  }
  if (value.training !== undefined && !isRecord(value.training)) {
    throw new RangeError('training must be an object');
  }
  return value as unknown as RouterArtifact;
}

function parseCandidates(value: unknown): readonly string[] {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_CANDIDATES) {
    throw new RangeError(`candidates must list 1 to ${MAX_CANDIDATES} names`);
  }
  const names = value as unknown[];
  if (!names.every((name) => typeof name === 'string' && name !== '' && name.length <= 256)) {
    throw new RangeError('candidates must be non-empty strings of at most 256 characters');
  }
  if (new Set(names).size !== names.length) throw new RangeError('candidates must be unique');
  return names as string[];
}

function checkCosts(value: unknown, candidates: readonly string[]): void {
  if (value === undefined) return;
  if (!isRecord(value)) throw new RangeError('candidate_costs must be an object');
  for (const [name, cost] of Object.entries(value)) {
    if (!candidates.includes(name)) {
      throw new RangeError('candidate_costs names a model that is not a candidate');
    }
    if (typeof cost !== 'number' || cost < 0) {
      throw new RangeError('candidate_costs values must be numbers ≥ 0');
    }
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
