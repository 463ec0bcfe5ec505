/** Why a router artifact (or a custom router module) was refused. */
export enum ArtifactErrorCode {
  /** manifest.json is missing, unreadable, not JSON, or not the manifest schema. */
  ManifestInvalid = 'manifest_invalid',
  /** A listed path is absolute, has `..`, or resolves (through a symlink) outside the directory. */
  PathEscape = 'path_escape',
  /** A file is larger than the configured limit. */
  TooLarge = 'too_large',
  /** A listed file's sha256 differs from the manifest. */
  HashMismatch = 'hash_mismatch',
  /** The signature does not verify with the configured key. */
  SignatureInvalid = 'signature_invalid',
  /** The manifest's signature type has no configured key (fails closed). */
  KeyMissing = 'key_missing',
  /** `signature_type: none` while LLMROUTER_ENFORCE_SIGNED_MODELS is true. */
  UnsignedRefused = 'unsigned_refused',
  /** router.json is not a valid `routeiq.router.v1` artifact (schema, featurizer or model). */
  ArtifactInvalid = 'artifact_invalid',
  /** A custom router module is unlisted, or does not export the documented contract. */
  CustomRouterInvalid = 'custom_router_invalid',
}

/**
 * A refused artifact. The message names the file and the reason, never file contents or keys, so
 * it may be logged and shown by `routeiq verify`.
 */
export class ArtifactError extends Error {
  constructor(
    readonly code: ArtifactErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ArtifactError';
  }
}

/** A short, single-line reason from anything thrown while checking an artifact. */
export function reasonOf(error: unknown): string {
  // Duck-typed: a custom router's errors come from another realm when run under a VM context.
  const message = (error as { message?: unknown } | null)?.message;
  const text = typeof message === 'string' ? message : String(error);
  const line = text.replace(/\s*\n\s*/g, '; ');
  return line.length > 300 ? `${line.slice(0, 297)}...` : line;
}
