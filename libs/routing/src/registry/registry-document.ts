import { RoutingException } from '../routing.exception';
import { BUCKET_KEYS, bootWeights, type RoutingConfig } from './routing.config';
import type {
  ActiveSource,
  RegistryDocument,
  RegistryExperiment,
  StrategySlot,
} from './strategy-registry.types';
import { isStrategyWeight, quoteName, type StrategyWeights } from './strategy-weights';

// Pure transitions of the shared registry document. Each returns a new document (or the same one
// when nothing changes) and throws RoutingException when the change is not allowed.

type Slots = Record<string, StrategySlot>;

const FULL_WEIGHT = 100;

/** A comparable form of the boot settings, so a replica sees whether they changed. */
export function bootSettingsKey(boot: RoutingConfig): string {
  return JSON.stringify({
    weights: boot.strategyWeights ?? null,
    experiment: boot.experiment ?? null,
  });
}

/** The first document: `configured` active, the boot weights and experiment applied. */
export function seedDocument(
  known: readonly string[],
  configured: string,
  boot: RoutingConfig,
): RegistryDocument {
  const strategies: Slots = {};
  for (const name of known) strategies[name] = { state: 'disabled', weight: 0 };
  strategies[configured] = { state: 'active', weight: 0 };
  const seed: RegistryDocument = {
    v: 1,
    revision: 0,
    active: configured,
    rollbackTarget: null,
    activeSource: 'config',
    configured,
    bootSettings: '',
    strategies,
    experiment: null,
    updatedAt: new Date(0).toISOString(),
  };
  return withBootSettings(seed, boot);
}

/** Weights and experiment from the boot settings; without any, all traffic to the active. */
export function withBootSettings(doc: RegistryDocument, boot: RoutingConfig): RegistryDocument {
  const weights = bootWeights(boot);
  const experiment: RegistryExperiment | null = boot.experiment
    ? {
        id: boot.experiment.id,
        ...(boot.experiment.bucketBy && { bucketBy: boot.experiment.bucketBy }),
        variants: Object.fromEntries(
          Object.entries(boot.experiment.variants).map(([variant, v]) => [variant, v.strategy]),
        ),
      }
    : null;
  const strategies = reweighted(
    doc,
    Object.keys(weights).length > 0 ? weights : { [doc.active]: FULL_WEIGHT },
  );
  return { ...doc, strategies, experiment, bootSettings: bootSettingsKey(boot) };
}

/** New weights for every strategy (unnamed ones get 0); a weighted strategy becomes staged. */
export function withWeights(doc: RegistryDocument, weights: StrategyWeights): RegistryDocument {
  return { ...doc, strategies: reweighted(doc, weights) };
}

/** Stages `name` (not the active one), with `weight` or the weight it had. */
export function withStaged(doc: RegistryDocument, name: string, weight?: number): RegistryDocument {
  if (name === doc.active) {
    throw RoutingException.strategyConflict(`${quoteName(name)} is the active strategy`);
  }
  const slot: StrategySlot = {
    state: 'staged',
    weight: weight ?? doc.strategies[name]?.weight ?? 0,
  };
  return { ...doc, strategies: carryingWeight({ ...doc.strategies, [name]: slot }) };
}

/**
 * Makes the staged `name` active. The old active is disabled and becomes the rollback target; the
 * experiment ends; all traffic goes to `name` unless `weights` say otherwise.
 */
export function withPromoted(
  doc: RegistryDocument,
  name: string,
  weights?: StrategyWeights,
): RegistryDocument {
  if (name === doc.active) {
    throw RoutingException.strategyConflict(`${quoteName(name)} is already the active strategy`);
  }
  if (doc.strategies[name]?.state !== 'staged') {
    throw RoutingException.strategyConflict(`${quoteName(name)} is not staged: stage it first`);
  }
  return switchedTo(doc, name, weights ?? { [name]: FULL_WEIGHT });
}

/** The strategy `promote` without a name means: the only staged one. */
export function stagedToPromote(doc: RegistryDocument): string {
  const staged = Object.keys(doc.strategies).filter((n) => doc.strategies[n]?.state === 'staged');
  if (staged.length === 1) return staged[0]!;
  throw RoutingException.strategyConflict(
    staged.length === 0
      ? 'No strategy is staged: stage one first'
      : `Several strategies are staged (${staged.sort().join(', ')}): name the one to promote`,
  );
}

/** Restores the rollback target as the active strategy, with all traffic; ends the experiment. */
export function withRolledBack(doc: RegistryDocument): RegistryDocument {
  const target = doc.rollbackTarget;
  if (target === null) {
    throw RoutingException.strategyConflict(
      'There is no previous active strategy to roll back to',
      null,
    );
  }
  return { ...switchedTo(doc, target, { [target]: FULL_WEIGHT }), rollbackTarget: null };
}

/**
 * Follows a change of `routing_strategy`. While the active strategy came from the config, the new
 * one replaces it in place: it takes the old baseline's weight plus its own, the old baseline is
 * disabled and becomes the rollback target, canaries and the experiment stay. While an operator's
 * choice is active, it stands: only `configured` is noted (and the config owns the active strategy
 * again once they agree).
 */
export function withConfigured(doc: RegistryDocument, configured: string): RegistryDocument {
  if (doc.configured === configured) return doc;
  if (doc.active === configured) return { ...doc, configured, activeSource: 'config' };
  if (doc.activeSource === 'operator') return { ...doc, configured };
  const previous = doc.active;
  const weight =
    (doc.strategies[previous]?.weight ?? 0) + (doc.strategies[configured]?.weight ?? 0);
  const strategies: Slots = {
    ...doc.strategies,
    [previous]: { state: 'disabled', weight: 0 },
    [configured]: { state: 'active', weight },
  };
  return { ...doc, configured, active: configured, rollbackTarget: previous, strategies };
}

/** The next revision of `doc`, stamped `now`. */
export function nextRevision(doc: RegistryDocument, now: Date): RegistryDocument {
  return { ...doc, revision: doc.revision + 1, updatedAt: now.toISOString() };
}

function switchedTo(
  doc: RegistryDocument,
  name: string,
  weights: StrategyWeights,
): RegistryDocument {
  const previous = doc.active;
  const activeSource: ActiveSource = name === doc.configured ? 'config' : 'operator';
  const demoted: RegistryDocument = {
    ...doc,
    active: name,
    activeSource,
    rollbackTarget: previous,
    experiment: null,
    strategies: {
      ...doc.strategies,
      [previous]: { state: 'disabled', weight: 0 },
      [name]: { state: 'active', weight: 0 },
    },
  };
  return withWeights(demoted, weights);
}

/** Every strategy's weight from `weights` (0 when unnamed); states follow. */
function reweighted(doc: RegistryDocument, weights: StrategyWeights): Slots {
  const slots: Slots = {};
  for (const name of new Set([...Object.keys(doc.strategies), ...Object.keys(weights)])) {
    const weight = weights[name] ?? 0;
    const current = doc.strategies[name]?.state ?? 'disabled';
    const state =
      name === doc.active
        ? 'active'
        : weight > 0
          ? 'staged'
          : current === 'active'
            ? 'disabled'
            : current;
    slots[name] = { state, weight };
  }
  return carryingWeight(slots);
}

function carryingWeight(slots: Slots): Slots {
  if (!Object.values(slots).some((slot) => slot.weight > 0)) {
    throw RoutingException.invalidStrategyWeights('at least one weight must be above 0');
  }
  return slots;
}

/** A stored document, or undefined when the text is not one (the caller reseeds). */
export function parseRegistryDocument(text: string): RegistryDocument | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isRegistryDocument(value) ? value : undefined;
}

function isRegistryDocument(value: unknown): value is RegistryDocument {
  if (!isObject(value) || value.v !== 1) return false;
  const { active, rollbackTarget, configured, strategies, experiment } = value;
  return (
    typeof active === 'string' &&
    typeof configured === 'string' &&
    typeof value.revision === 'number' &&
    typeof value.bootSettings === 'string' &&
    typeof value.updatedAt === 'string' &&
    (value.activeSource === 'config' || value.activeSource === 'operator') &&
    (rollbackTarget === null || typeof rollbackTarget === 'string') &&
    isObject(strategies) &&
    Object.values(strategies).every(isSlot) &&
    (strategies[active] as StrategySlot | undefined)?.state === 'active' &&
    (experiment === null || isExperiment(experiment))
  );
}

function isSlot(value: unknown): value is StrategySlot {
  return (
    isObject(value) &&
    (value.state === 'active' || value.state === 'staged' || value.state === 'disabled') &&
    isStrategyWeight(value.weight)
  );
}

function isExperiment(value: unknown): value is RegistryExperiment {
  return (
    isObject(value) &&
    typeof value.id === 'string' &&
    (value.bucketBy === undefined ||
      (BUCKET_KEYS as readonly unknown[]).includes(value.bucketBy)) &&
    isObject(value.variants) &&
    Object.values(value.variants).every((strategy) => typeof strategy === 'string')
  );
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
