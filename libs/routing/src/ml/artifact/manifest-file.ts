import { readFile, realpath, stat } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import type { ArtifactManifest } from '../ml.types';
import { ArtifactError, ArtifactErrorCode } from './artifact.error';
import {
  DEFAULT_ARTIFACT_LIMITS,
  MANIFEST_FILE,
  readBounded,
  resolveListedFile,
  sha256Hex,
  type ArtifactLimits,
} from './artifact-files';
import { parseManifest } from './artifact-manifest';
import { writeFileAtomic } from './atomic-file';
import { signManifest, type ArtifactSigner } from './manifest-signature';

/** Options of `signManifestFile` (`routeiq sign`). */
export interface SignManifestOptions {
  /** Paths (relative to the manifest's directory) to list, added to those already listed. */
  readonly add?: readonly string[];
  /** Manifest `version` when the manifest is created; default a hash of the listed files. */
  readonly version?: string;
  readonly now?: Date;
  readonly limits?: ArtifactLimits;
}

/**
 * Re-signs a manifest in place (`routeiq sign`): recomputes the sha256 of every listed file (and
 * of `add`ed ones), then writes the manifest signed by `signer` (or `none`) atomically. Creates
 * the manifest when it does not exist and `add` names at least one file.
 * @throws ArtifactError for a missing manifest, an unsafe or unreadable path, or a file too large.
 */
export async function signManifestFile(
  manifestPathOrDir: string,
  signer: ArtifactSigner | undefined,
  options: SignManifestOptions = {},
): Promise<{ manifestPath: string; manifest: ArtifactManifest }> {
  const manifestPath = await manifestTarget(manifestPathOrDir);
  const existing = await readExisting(manifestPath, options);
  const dir = await realpath(dirname(manifestPath));
  const paths = [...(existing?.artifacts.map((entry) => entry.path) ?? []), ...(options.add ?? [])];
  const unique = [...new Map(paths.map((path) => [posix.normalize(path), path])).values()];
  const limits = options.limits ?? DEFAULT_ARTIFACT_LIMITS;
  const artifacts: Array<{ path: string; sha256: string }> = [];
  for (const path of unique) {
    const real = await resolveListedFile(dir, path);
    artifacts.push({ path, sha256: sha256Hex(await readBounded(real, limits.maxFileBytes, path)) });
  }
  const manifest = signManifest(
    {
      ...existing,
      version: existing?.version ?? options.version ?? defaultVersion(artifacts),
      created_at: existing?.created_at ?? (options.now ?? new Date()).toISOString(),
      artifacts,
    },
    signer,
  );
  // Refuse to write what the loader would refuse (e.g. nothing listed).
  parseManifest(Buffer.from(JSON.stringify(manifest)));
  await writeFileAtomic(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`);
  return { manifestPath, manifest };
}

/** The manifest file to write: through symlinks when it exists, so a link keeps pointing at it. */
async function manifestTarget(manifestPathOrDir: string): Promise<string> {
  const info = await stat(manifestPathOrDir).catch(() => undefined);
  const path = info?.isDirectory() ? join(manifestPathOrDir, MANIFEST_FILE) : manifestPathOrDir;
  return realpath(path).catch(() => path);
}

async function readExisting(
  manifestPath: string,
  options: SignManifestOptions,
): Promise<ArtifactManifest | undefined> {
  const bytes = await readFile(manifestPath).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' && (options.add?.length ?? 0) > 0) return undefined;
    throw new ArtifactError(
      ArtifactErrorCode.ManifestInvalid,
      `manifest ${manifestPath} cannot be read (${error.code ?? 'unreadable'})`,
    );
  });
  if (bytes === undefined) return undefined;
  if (bytes.length > (options.limits ?? DEFAULT_ARTIFACT_LIMITS).maxManifestBytes) {
    throw new ArtifactError(ArtifactErrorCode.TooLarge, `manifest ${manifestPath} is too large`);
  }
  return parseManifest(bytes);
}

function defaultVersion(artifacts: ReadonlyArray<{ path: string; sha256: string }>): string {
  return sha256Hex(Buffer.from(artifacts.map((a) => `${a.path}\0${a.sha256}`).join('\n'))).slice(
    0,
    12,
  );
}
