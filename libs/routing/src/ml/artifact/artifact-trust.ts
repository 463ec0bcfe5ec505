import { readFileSync } from 'node:fs';
import type { KeyObject } from 'node:crypto';
import { publicKeyFromBase64, publicKeyFromPem } from './artifact-keys';
import type { MlArtifactConfig } from './ml-artifact.config';

/** The keys a manifest may verify against, and whether unsigned manifests are accepted. */
export interface ArtifactTrust {
  /** false only with `LLMROUTER_ENFORCE_SIGNED_MODELS=false`: then `signature_type: none` loads. */
  readonly enforceSigned: boolean;
  readonly ed25519PublicKey?: KeyObject;
  readonly hmacSecret?: Buffer;
}

/** A key setting that cannot be used, named by its environment variable. */
export class TrustSettingError extends Error {
  constructor(
    readonly variable: string,
    readonly reason: string,
  ) {
    super(`${variable} ${reason}`);
    this.name = 'TrustSettingError';
  }
}

/**
 * Builds the trust settings, reading the public key file when one is configured (re-run on
 * reload, so a rotated key file takes effect without a restart).
 * @throws TrustSettingError naming the variable whose key cannot be used.
 */
export function artifactTrustOf(config: MlArtifactConfig): ArtifactTrust {
  return {
    enforceSigned: config.enforceSignedModels,
    ed25519PublicKey: publicKeyOf(config),
    hmacSecret: config.hmacSecret === undefined ? undefined : Buffer.from(config.hmacSecret),
  };
}

function publicKeyOf(config: MlArtifactConfig): KeyObject | undefined {
  if (config.publicKeyB64 !== undefined) {
    try {
      return publicKeyFromBase64(config.publicKeyB64);
    } catch (error) {
      throw new TrustSettingError('LLMROUTER_MODEL_PUBLIC_KEY_B64', (error as Error).message);
    }
  }
  if (config.publicKeyPath === undefined) return undefined;
  let pem: string;
  try {
    pem = readFileSync(config.publicKeyPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new TrustSettingError('LLMROUTER_MODEL_PUBLIC_KEY_PATH', `cannot be read (${code})`);
  }
  try {
    return publicKeyFromPem(pem);
  } catch (error) {
    throw new TrustSettingError('LLMROUTER_MODEL_PUBLIC_KEY_PATH', (error as Error).message);
  }
}
