import {
  artifactTrustOf,
  loadRouter,
  readVerifiedArtifacts,
  resolveMlArtifactConfig,
  ROUTER_FILE,
} from '@routeiq/routing';
import { CliUsageError, type CliCommand } from '../cli-command';
import { parseArtifactArgs } from './artifact-args';
import { report } from './artifact-sign.command';

/** `routeiq verify`: check a manifest the way the gateway would before loading it. */
export const verifyCommand: CliCommand = {
  name: 'verify',
  summary: 'Verify a router manifest with the gateway’s trust settings',
  usage: `Usage: routeiq verify --manifest <dir|file>

Checks a manifest as the gateway does before loading it, with the same environment:
LLMROUTER_MODEL_PUBLIC_KEY_B64 or LLMROUTER_MODEL_PUBLIC_KEY_PATH, LLMROUTER_MODEL_HMAC_SECRET,
LLMROUTER_ENFORCE_SIGNED_MODELS (default true). Verifies the signature and every listed file's
sha256; when ${ROUTER_FILE} is listed, also builds its featurizer and model. Custom router modules
are hashed, never run. Exits 1 with the reason when anything fails.

  --manifest <dir|file>  manifest.json, or the directory holding it`,
  async run(args, { config, io }) {
    const values = parseArtifactArgs(args, { manifest: { type: 'string' } });
    const manifest = values.manifest as string | undefined;
    if (!manifest) throw new CliUsageError('--manifest <dir|file> is required');
    const trust = artifactTrustOf(resolveMlArtifactConfig(config.env));
    const verified = await readVerifiedArtifacts(manifest, trust);
    const { signature_type, version, artifacts } = verified.manifest;
    report(
      io,
      `verified ${verified.manifestPath} (${signature_type}, manifest version ${version})`,
      artifacts,
    );
    if (!artifacts.some(({ path }) => path === ROUTER_FILE || path.endsWith(`/${ROUTER_FILE}`))) {
      return;
    }
    const router = await loadRouter(manifest, trust);
    io.out(
      `router ${router.version}: ${router.model.kind} model, ${router.featurizer.kind} ` +
        `featurizer, candidates ${router.artifact.candidates.join(', ')}`,
    );
  },
};
