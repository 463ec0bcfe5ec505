import { ArtifactError, ArtifactErrorCode, reasonOf } from './artifact.error';
import type { CustomRouter, CustomRouterPick } from './custom-router.types';

type Identity = Pick<CustomRouter, 'module' | 'sha256' | 'version'>;
type PickFunction = (candidates: string[], prompt: string, args: unknown) => unknown;
type PredictFunction = (prompt: string, candidates: string[]) => unknown;

const MAX_REASON = 200;

/**
 * Checks what a custom router's factory returned and wraps it so every call's answer is checked
 * too: a module that returns a promise, an index out of range or a non-finite quality fails that
 * call (the strategy then falls back), never the gateway.
 * @throws ArtifactError `custom_router_invalid` when the object has neither `pick` nor `predict`.
 */
export function wrapCustomRouter(instance: unknown, identity: Identity): CustomRouter {
  const target = (typeof instance === 'object' || typeof instance === 'function') && instance;
  const { pick, predict } = (target || {}) as Record<string, unknown>;
  if (typeof pick === 'function') {
    const call = (pick as PickFunction).bind(target);
    return Object.freeze({
      ...identity,
      kind: 'pick' as const,
      pick: (
        candidates: readonly string[],
        prompt: string,
        args: Readonly<Record<string, unknown>>,
      ) =>
        checkPick(
          invoke(identity, () => call([...candidates], prompt, args)),
          candidates,
          identity,
        ),
    });
  }
  if (typeof predict === 'function') {
    const call = (predict as PredictFunction).bind(target);
    return Object.freeze({
      ...identity,
      kind: 'predict' as const,
      predict: (prompt: string, candidates: readonly string[]) =>
        checkQualities(
          invoke(identity, () => call(prompt, [...candidates])),
          candidates,
          identity,
        ),
    });
  }
  throw failure(identity, 'factory must return an object with a pick or predict function');
}

function invoke(identity: Identity, call: () => unknown): unknown {
  let result: unknown;
  try {
    result = call();
  } catch (error) {
    throw failure(identity, `threw: ${reasonOf(error)}`);
  }
  if (typeof (result as { then?: unknown } | null)?.then === 'function') {
    throw failure(identity, 'must answer synchronously (it returned a promise)');
  }
  return result;
}

function checkPick(
  result: unknown,
  candidates: readonly string[],
  identity: Identity,
): CustomRouterPick {
  const { index, reason } = (result ?? {}) as { index?: unknown; reason?: unknown };
  if (
    typeof index !== 'number' ||
    !Number.isInteger(index) ||
    index < 0 ||
    index >= candidates.length
  ) {
    throw failure(identity, `pick must return {index} in [0, ${candidates.length - 1}]`);
  }
  const text = typeof reason === 'string' && reason !== '' ? reason : 'custom router';
  return { index, reason: text.slice(0, MAX_REASON) };
}

function checkQualities(
  result: unknown,
  candidates: readonly string[],
  identity: Identity,
): Float64Array {
  const values = result as ArrayLike<unknown> | null;
  if (
    typeof values !== 'object' ||
    values === null ||
    typeof values.length !== 'number' ||
    values.length !== candidates.length
  ) {
    throw failure(identity, `predict must return ${candidates.length} numbers, one per candidate`);
  }
  const out = new Float64Array(candidates.length);
  for (let i = 0; i < out.length; i++) {
    const value = values[i];
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 1) {
      throw failure(identity, 'predict must return qualities in [0, 1]');
    }
    out[i] = value;
  }
  return out;
}

function failure(identity: Identity, reason: string): ArtifactError {
  return new ArtifactError(
    ArtifactErrorCode.CustomRouterInvalid,
    `custom router ${identity.module} ${reason}`,
  );
}
