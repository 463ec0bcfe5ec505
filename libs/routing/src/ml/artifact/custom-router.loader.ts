import { posix } from 'node:path';
import { ArtifactError, ArtifactErrorCode, reasonOf } from './artifact.error';
import { DEFAULT_ARTIFACT_LIMITS, sha256Hex, type ArtifactLimits } from './artifact-files';
import { readVerifiedArtifacts } from './artifact-manifest';
import type { ArtifactTrust } from './artifact-trust';
import { runVerifiedModule } from './custom-module.compiler';
import { wrapCustomRouter } from './custom-router.contract';
import type { CustomRouter } from './custom-router.types';

/** Options of `loadCustomRouter`. */
export interface CustomRouterOptions {
  /** Which listed module is the router; may be omitted when the manifest lists one module. */
  readonly module?: string;
  readonly limits?: ArtifactLimits;
}

const MODULE = /\.(c?js)$/;

/**
 * Loads a custom router from a directory (or manifest file) of LLMROUTER_CUSTOM_ROUTERS_PATH. The
 * manifest must verify like a router artifact's, the module must be listed with a matching
 * sha256, and it must export a factory whose result has `pick` or `predict` (docs/ml-artifacts.md).
 * The module runs in the gateway's process: signing it is what makes it trusted.
 * @throws ArtifactError for any verification failure or a module out of contract.
 */
export async function loadCustomRouter(
  path: string,
  trust: ArtifactTrust,
  options: CustomRouterOptions = {},
): Promise<CustomRouter> {
  const verified = await readVerifiedArtifacts(
    path,
    trust,
    options.limits ?? DEFAULT_ARTIFACT_LIMITS,
  );
  const listed = chooseModule([...verified.files.keys()], options.module);
  const exported = runVerifiedModule(verified, listed);
  const factory = factoryOf(exported);
  if (factory === undefined) {
    throw refused(
      listed,
      'must export a factory function (module.exports, createRouter or default)',
    );
  }
  let instance: unknown;
  try {
    instance = await factory();
  } catch (error) {
    throw refused(listed, `factory threw: ${reasonOf(error)}`);
  }
  const sha256 = sha256Hex(verified.files.get(listed)!);
  return wrapCustomRouter(instance, { module: listed, sha256, version: sha256.slice(0, 12) });
}

function chooseModule(paths: readonly string[], wanted: string | undefined): string {
  if (wanted !== undefined) {
    const match = paths.find((path) => posix.normalize(path) === posix.normalize(wanted));
    if (match === undefined || !MODULE.test(match)) {
      throw refused(wanted.slice(0, 120), 'is not a .js/.cjs module listed in the manifest');
    }
    return match;
  }
  const modules = paths.filter((path) => MODULE.test(path));
  if (modules.length !== 1) {
    throw new ArtifactError(
      ArtifactErrorCode.CustomRouterInvalid,
      `custom router manifest lists ${modules.length} .js modules; name the one to load`,
    );
  }
  return modules[0]!;
}

type Factory = () => unknown;

function factoryOf(exported: unknown): Factory | undefined {
  if (typeof exported === 'function') return exported as Factory;
  if (typeof exported !== 'object' || exported === null) return undefined;
  const { createRouter, default: fallback } = exported as Record<string, unknown>;
  if (typeof createRouter === 'function') return createRouter as Factory;
  if (typeof fallback === 'function') return fallback as Factory;
  return undefined;
}

function refused(module: string, reason: string): ArtifactError {
  return new ArtifactError(
    ArtifactErrorCode.CustomRouterInvalid,
    `custom router ${module} ${reason}`,
  );
}
