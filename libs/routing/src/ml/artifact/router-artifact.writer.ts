import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ArtifactManifest, RouterArtifact } from '../ml.types';
import { ArtifactError, ArtifactErrorCode, reasonOf } from './artifact.error';
import { MANIFEST_FILE, ROUTER_FILE, sha256Hex } from './artifact-files';
import { writeFileAtomic } from './atomic-file';
import { canonicalJson } from './canonical-json';
import { signManifest, type ArtifactSigner } from './manifest-signature';
import { buildRouter } from './router-artifact.loader';
import { parseRouterArtifact } from './router-artifact.schema';

/** Overrides for the manifest `writeRouterArtifact` writes. */
export interface WriteRouterOptions {
  /** Manifest `version`; default the router's version (first 12 hex of router.json's sha256). */
  readonly version?: string;
  /** Manifest `created_at`; default now. */
  readonly now?: Date;
}

/** What `writeRouterArtifact` wrote. */
export interface WrittenRouterArtifact {
  readonly manifestPath: string;
  readonly routerPath: string;
  readonly sha256: string;
  /** `strategy_version` the gateway will report for this router. */
  readonly version: string;
  readonly manifest: ArtifactManifest;
}

/**
 * Writes `<dir>/router.json` (canonical JSON, so the same model always has the same sha256) and
 * then `<dir>/manifest.json` listing it, each atomically; signed by `signer`, else
 * `signature_type: none`. Router first: a poller that sees the new manifest finds its router.
 * @throws ArtifactError `artifact_invalid` when the artifact would not load.
 */
export async function writeRouterArtifact(
  dir: string,
  artifact: RouterArtifact,
  signer?: ArtifactSigner,
  options: WriteRouterOptions = {},
): Promise<WrittenRouterArtifact> {
  let text: string;
  try {
    text = `${canonicalJson(parseRouterArtifact(artifact))}\n`;
  } catch (error) {
    throw new ArtifactError(ArtifactErrorCode.ArtifactInvalid, `${ROUTER_FILE} ${reasonOf(error)}`);
  }
  const bytes = Buffer.from(text, 'utf8');
  const sha256 = sha256Hex(bytes);
  // Build it once, so training never publishes a router the gateway would refuse.
  buildRouter(JSON.parse(text) as RouterArtifact, sha256);
  const manifest = signManifest(
    {
      version: options.version ?? sha256.slice(0, 12),
      created_at: (options.now ?? new Date()).toISOString(),
      artifacts: [{ path: ROUTER_FILE, sha256 }],
    },
    signer,
  );
  await mkdir(dir, { recursive: true });
  const routerPath = join(dir, ROUTER_FILE);
  const manifestPath = join(dir, MANIFEST_FILE);
  await writeFileAtomic(routerPath, bytes);
  await writeFileAtomic(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return { manifestPath, routerPath, sha256, version: sha256.slice(0, 12), manifest };
}
