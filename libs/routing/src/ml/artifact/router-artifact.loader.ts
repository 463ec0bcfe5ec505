import { featurizerFromSpec } from '../featurizer/featurizer.registry';
import type { LoadedRouter, RouterArtifact } from '../ml.types';
import { qualityModelFromSpec } from '../models/quality-model.registry';
import { ArtifactError, ArtifactErrorCode, reasonOf } from './artifact.error';
import {
  DEFAULT_ARTIFACT_LIMITS,
  parseStrictJson,
  ROUTER_FILE,
  sha256Hex,
  type ArtifactLimits,
} from './artifact-files';
import { readVerifiedArtifacts, type VerifiedArtifacts } from './artifact-manifest';
import type { ArtifactTrust } from './artifact-trust';
import { parseRouterArtifact } from './router-artifact.schema';

/**
 * Loads a router from `manifest.json` (or its directory): manifest schema, signature, every
 * listed file's sha256 and size, then the one `router.json` it lists, parsed strictly, validated,
 * and built into new featurizer and model objects. Nothing in the files is executed.
 * @throws ArtifactError naming the file and the reason (never file contents or keys).
 */
export async function loadRouter(
  manifestPathOrDir: string,
  trust: ArtifactTrust,
  limits: ArtifactLimits = DEFAULT_ARTIFACT_LIMITS,
): Promise<LoadedRouter> {
  const verified = await readVerifiedArtifacts(manifestPathOrDir, trust, limits);
  const bytes = routerBytes(verified);
  let artifact: RouterArtifact;
  try {
    artifact = parseRouterArtifact(parseStrictJson(bytes));
  } catch (error) {
    throw invalid(reasonOf(error));
  }
  return buildRouter(artifact, sha256Hex(bytes));
}

/** The bytes of the single router.json the manifest lists. */
function routerBytes(verified: VerifiedArtifacts): Buffer {
  const routers = [...verified.files.keys()].filter(
    (path) => path === ROUTER_FILE || path.endsWith(`/${ROUTER_FILE}`),
  );
  if (routers.length !== 1) {
    throw new ArtifactError(
      ArtifactErrorCode.ManifestInvalid,
      `manifest must list exactly one ${ROUTER_FILE} (it lists ${routers.length})`,
    );
  }
  return verified.files.get(routers[0]!)!;
}

/** New featurizer and model from the artifact's specs, frozen into a `LoadedRouter`. */
export function buildRouter(artifact: RouterArtifact, sha256: string): LoadedRouter {
  const { featurizer: featurizerSpec, model: modelSpec, ...rest } = artifact;
  let featurizer: LoadedRouter['featurizer'];
  let model: LoadedRouter['model'];
  try {
    featurizer = featurizerFromSpec(featurizerSpec);
  } catch (error) {
    throw invalid(`featurizer: ${reasonOf(error)}`);
  }
  try {
    model = qualityModelFromSpec(modelSpec, artifact.candidates);
  } catch (error) {
    throw invalid(`model: ${reasonOf(error)}`);
  }
  return Object.freeze({
    sha256,
    version: sha256.slice(0, 12),
    artifact: Object.freeze({ ...rest, candidates: Object.freeze([...artifact.candidates]) }),
    featurizer,
    model,
  });
}

function invalid(reason: string): ArtifactError {
  return new ArtifactError(ArtifactErrorCode.ArtifactInvalid, `${ROUTER_FILE} ${reason}`);
}
