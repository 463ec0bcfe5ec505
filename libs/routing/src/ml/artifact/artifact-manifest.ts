import { dirname, posix } from 'node:path';
import type { ArtifactManifest } from '../ml.types';
import { ArtifactError, ArtifactErrorCode, reasonOf } from './artifact.error';
import {
  checkListedPath,
  DEFAULT_ARTIFACT_LIMITS,
  parseStrictJson,
  readBounded,
  resolveListedFile,
  resolveManifestPath,
  sha256Hex,
  type ArtifactLimits,
} from './artifact-files';
import type { ArtifactTrust } from './artifact-trust';
import { verifyManifestSignature } from './manifest-signature';

const SIGNATURE_TYPES = ['ed25519', 'hmac-sha256', 'none'] as const;
const SHA256 = /^[0-9a-f]{64}$/;
const MAX_ARTIFACTS = 256;

/** A manifest whose signature and every listed file's sha256 checked out. */
export interface VerifiedArtifacts {
  /** Real (symlink-free) directory of the manifest; listed paths are relative to it. */
  readonly dir: string;
  readonly manifestPath: string;
  readonly manifest: ArtifactManifest;
  /** Listed path → the bytes whose sha256 was checked (use these, never re-read the file). */
  readonly files: ReadonlyMap<string, Buffer>;
}

/**
 * Reads manifest.json (or the manifest file given), checks its schema and signature, then reads
 * every listed file, refusing paths that leave the directory, files over the size limit and
 * sha256 mismatches. Nothing in the files is interpreted here.
 * @throws ArtifactError naming the first problem.
 */
export async function readVerifiedArtifacts(
  manifestPathOrDir: string,
  trust: ArtifactTrust,
  limits: ArtifactLimits = DEFAULT_ARTIFACT_LIMITS,
): Promise<VerifiedArtifacts> {
  const manifestPath = await resolveManifestPath(manifestPathOrDir);
  const dir = dirname(manifestPath);
  const bytes = await readBounded(manifestPath, limits.maxManifestBytes, 'manifest.json');
  const manifest = parseManifest(bytes);
  verifyManifestSignature(manifest, trust);
  const files = new Map<string, Buffer>();
  for (const entry of manifest.artifacts) {
    const real = await resolveListedFile(dir, entry.path);
    const content = await readBounded(real, limits.maxFileBytes, entry.path);
    if (sha256Hex(content) !== entry.sha256) {
      throw new ArtifactError(
        ArtifactErrorCode.HashMismatch,
        `${entry.path} does not match its sha256 in the manifest (changed after signing?)`,
      );
    }
    files.set(entry.path, content);
  }
  return { dir, manifestPath, manifest, files };
}

/**
 * Parses and checks manifest.json bytes against the manifest schema.
 * @throws ArtifactError `manifest_invalid` (or `path_escape` for a bad listed path).
 */
export function parseManifest(bytes: Buffer): ArtifactManifest {
  let value: unknown;
  try {
    value = parseStrictJson(bytes);
  } catch (error) {
    throw invalid(`manifest.json ${reasonOf(error)}`);
  }
  if (!isRecord(value)) throw invalid('manifest.json must be a JSON object');
  const { version, created_at, artifacts, signature_type, signature } = value;
  if (typeof version !== 'string' || version === '' || version.length > 128) {
    throw invalid('manifest version must be a non-empty string of at most 128 characters');
  }
  if (typeof created_at !== 'string' || created_at.length > 64 || !isTimestamp(created_at)) {
    throw invalid('manifest created_at must be an ISO-8601 timestamp');
  }
  if (!SIGNATURE_TYPES.includes(signature_type as (typeof SIGNATURE_TYPES)[number])) {
    throw invalid(`manifest signature_type must be one of ${SIGNATURE_TYPES.join(', ')}`);
  }
  if (signature !== undefined && typeof signature !== 'string') {
    throw invalid('manifest signature must be a base64 string');
  }
  return { ...value, artifacts: parseEntries(artifacts) } as unknown as ArtifactManifest;
}

function parseEntries(artifacts: unknown): ArtifactManifest['artifacts'] {
  if (!Array.isArray(artifacts) || artifacts.length === 0 || artifacts.length > MAX_ARTIFACTS) {
    throw invalid(`manifest artifacts must list 1 to ${MAX_ARTIFACTS} files`);
  }
  const seen = new Set<string>();
  return artifacts.map((entry: unknown, index) => {
    if (!isRecord(entry)) throw invalid(`manifest artifacts[${index}] must be an object`);
    const path = checkListedPath(entry.path);
    if (typeof entry.sha256 !== 'string' || !SHA256.test(entry.sha256)) {
      throw invalid(`manifest artifacts[${index}].sha256 must be 64 lowercase hex digits`);
    }
    const key = posix.normalize(path);
    if (seen.has(key)) throw invalid(`manifest lists ${path} twice`);
    seen.add(key);
    return entry as { path: string; sha256: string };
  });
}

function isTimestamp(text: string): boolean {
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(text) && Number.isFinite(Date.parse(text));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(message: string): ArtifactError {
  return new ArtifactError(ArtifactErrorCode.ManifestInvalid, message);
}
