import { createHmac, sign, timingSafeEqual, verify, type KeyObject } from 'node:crypto';
import type { ArtifactManifest } from '../ml.types';
import { ArtifactError, ArtifactErrorCode } from './artifact.error';
import type { ArtifactTrust } from './artifact-trust';
import { canonicalJson } from './canonical-json';

/** How `routeiq train` / `routeiq sign` sign a manifest; absent means `signature_type: none`. */
export type ArtifactSigner =
  | { readonly type: 'ed25519'; readonly privateKey: KeyObject }
  | { readonly type: 'hmac-sha256'; readonly secret: Buffer };

/**
 * The signed bytes: canonical JSON of the manifest without `signature` (`signature_type` is
 * covered, so a signed manifest cannot be downgraded to another type).
 */
export function manifestSigningPayload(manifest: ArtifactManifest): Buffer {
  const { signature: _signature, ...unsigned } = manifest;
  return Buffer.from(canonicalJson(unsigned), 'utf8');
}

/** The manifest with `signature_type` and `signature` set by `signer` (or `none` without one). */
export function signManifest(
  manifest: Omit<ArtifactManifest, 'signature_type' | 'signature'>,
  signer?: ArtifactSigner,
): ArtifactManifest {
  const { signature_type: _type, signature: _signature, ...rest } = manifest as ArtifactManifest;
  if (signer === undefined) return { ...rest, signature_type: 'none' };
  const unsigned: ArtifactManifest = { ...rest, signature_type: signer.type };
  const payload = manifestSigningPayload(unsigned);
  const signature =
    signer.type === 'ed25519'
      ? sign(null, payload, signer.privateKey)
      : createHmac('sha256', signer.secret).update(payload).digest();
  return { ...unsigned, signature: signature.toString('base64') };
}

/**
 * Checks the manifest's signature against the trust settings. Fails closed: a signature type
 * without a configured key is refused, and `none` only passes when enforcement is off.
 * @throws ArtifactError (`unsigned_refused`, `key_missing`, `signature_invalid`).
 */
export function verifyManifestSignature(manifest: ArtifactManifest, trust: ArtifactTrust): void {
  switch (manifest.signature_type) {
    case 'none':
      if (trust.enforceSigned) {
        throw new ArtifactError(
          ArtifactErrorCode.UnsignedRefused,
          'manifest is unsigned (signature_type none) and LLMROUTER_ENFORCE_SIGNED_MODELS is true',
        );
      }
      return;
    case 'ed25519':
      return verifyEd25519(manifest, trust.ed25519PublicKey);
    case 'hmac-sha256':
      return verifyHmac(manifest, trust.hmacSecret);
    default:
      throw new ArtifactError(
        ArtifactErrorCode.ManifestInvalid,
        'manifest signature_type must be ed25519, hmac-sha256 or none',
      );
  }
}

function verifyEd25519(manifest: ArtifactManifest, key: KeyObject | undefined): void {
  if (key === undefined) {
    throw new ArtifactError(
      ArtifactErrorCode.KeyMissing,
      'manifest is signed with ed25519 but no public key is configured ' +
        '(LLMROUTER_MODEL_PUBLIC_KEY_B64 or LLMROUTER_MODEL_PUBLIC_KEY_PATH)',
    );
  }
  const signature = signatureBytes(manifest);
  if (signature.length !== 64 || !verify(null, manifestSigningPayload(manifest), key, signature)) {
    throw invalidSignature('ed25519');
  }
}

function verifyHmac(manifest: ArtifactManifest, secret: Buffer | undefined): void {
  if (secret === undefined) {
    throw new ArtifactError(
      ArtifactErrorCode.KeyMissing,
      'manifest is signed with hmac-sha256 but LLMROUTER_MODEL_HMAC_SECRET is not set',
    );
  }
  const signature = signatureBytes(manifest);
  const expected = createHmac('sha256', secret).update(manifestSigningPayload(manifest)).digest();
  // Equal lengths first: timingSafeEqual throws on a length mismatch, and length is public.
  if (signature.length !== expected.length || !timingSafeEqual(signature, expected)) {
    throw invalidSignature('hmac-sha256');
  }
}

function signatureBytes(manifest: ArtifactManifest): Buffer {
  const text = manifest.signature;
  if (typeof text !== 'string' || text === '' || !/^[A-Za-z0-9+/]+={0,2}$/.test(text)) {
    throw new ArtifactError(
      ArtifactErrorCode.SignatureInvalid,
      `manifest signature_type is ${manifest.signature_type} but its signature is missing or not base64`,
    );
  }
  return Buffer.from(text, 'base64');
}

function invalidSignature(type: string): ArtifactError {
  return new ArtifactError(
    ArtifactErrorCode.SignatureInvalid,
    `manifest ${type} signature does not verify with the configured key (tampered, or signed with another key)`,
  );
}
