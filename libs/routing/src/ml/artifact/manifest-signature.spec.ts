import type { ArtifactManifest } from '../ml.types';
import { ArtifactErrorCode } from './artifact.error';
import {
  manifestSigningPayload,
  signManifest,
  verifyManifestSignature,
} from './manifest-signature';
import { ed25519Pair, HMAC_SECRET, trustOf } from './__fixtures__/router-artifact.fixture';

const UNSIGNED = {
  version: 'v1',
  created_at: '2025-01-01T00:00:00Z',
  artifacts: [{ path: 'router.json', sha256: 'a'.repeat(64) }],
};

function codeOf(manifest: ArtifactManifest, trust = trustOf()): string | undefined {
  try {
    verifyManifestSignature(manifest, trust);
    return undefined;
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe(verifyManifestSignature.name, () => {
  const pair = ed25519Pair();
  const ed25519 = signManifest(UNSIGNED, { type: 'ed25519', privateKey: pair.privateKey });
  const hmac = signManifest(UNSIGNED, { type: 'hmac-sha256', secret: HMAC_SECRET });
  const keyTrust = trustOf({ ed25519PublicKey: pair.publicKey, hmacSecret: HMAC_SECRET });

  it('signs the canonical manifest without its signature', () => {
    expect(manifestSigningPayload(ed25519).toString()).toBe(
      '{"artifacts":[{"path":"router.json","sha256":"' +
        'a'.repeat(64) +
        '"}],"created_at":"2025-01-01T00:00:00Z","signature_type":"ed25519","version":"v1"}',
    );
  });

  it('accepts valid ed25519 and hmac-sha256 signatures', () => {
    expect(codeOf(ed25519, keyTrust)).toBeUndefined();
    expect(codeOf(hmac, keyTrust)).toBeUndefined();
  });

  it('accepts a manifest whose keys were reordered (canonical payload)', () => {
    const reordered = JSON.parse(
      JSON.stringify({ signature: ed25519.signature, ...ed25519 }),
    ) as ArtifactManifest;
    expect(codeOf(reordered, keyTrust)).toBeUndefined();
  });

  it('refuses a changed field, a changed signature and another key', () => {
    expect(codeOf({ ...ed25519, version: 'v2' }, keyTrust)).toBe(
      ArtifactErrorCode.SignatureInvalid,
    );
    expect(codeOf({ ...hmac, version: 'v2' }, keyTrust)).toBe(ArtifactErrorCode.SignatureInvalid);
    const flipped = Buffer.from(ed25519.signature!, 'base64');
    flipped[0] = flipped[0]! ^ 1;
    expect(codeOf({ ...ed25519, signature: flipped.toString('base64') }, keyTrust)).toBe(
      ArtifactErrorCode.SignatureInvalid,
    );
    expect(codeOf({ ...hmac, signature: 'AAAA' }, keyTrust)).toBe(
      ArtifactErrorCode.SignatureInvalid,
    );
    const other = trustOf({ ed25519PublicKey: ed25519Pair().publicKey });
    expect(codeOf(ed25519, other)).toBe(ArtifactErrorCode.SignatureInvalid);
    const otherSecret = trustOf({ hmacSecret: Buffer.from('x'.repeat(40)) });
    expect(codeOf(hmac, otherSecret)).toBe(ArtifactErrorCode.SignatureInvalid);
  });

  it('refuses a downgrade: an ed25519 signature relabelled hmac-sha256', () => {
    expect(codeOf({ ...ed25519, signature_type: 'hmac-sha256' }, keyTrust)).toBe(
      ArtifactErrorCode.SignatureInvalid,
    );
  });

  it('fails closed when the signature type has no configured key', () => {
    expect(codeOf(ed25519, trustOf({ hmacSecret: HMAC_SECRET }))).toBe(
      ArtifactErrorCode.KeyMissing,
    );
    expect(codeOf(hmac, trustOf({ ed25519PublicKey: pair.publicKey }))).toBe(
      ArtifactErrorCode.KeyMissing,
    );
    expect(() => verifyManifestSignature(ed25519, trustOf())).toThrow(
      'no public key is configured (LLMROUTER_MODEL_PUBLIC_KEY_B64 or LLMROUTER_MODEL_PUBLIC_KEY_PATH)',
    );
  });

  it('accepts none only when enforcement is off', () => {
    const unsigned = signManifest(UNSIGNED);
    expect(unsigned).toEqual({ ...UNSIGNED, signature_type: 'none' });
    expect(codeOf(unsigned, keyTrust)).toBe(ArtifactErrorCode.UnsignedRefused);
    expect(codeOf(unsigned, trustOf({ enforceSigned: false }))).toBeUndefined();
  });

  it('refuses a signed type with a missing or non-base64 signature', () => {
    const { signature: _s, ...bare } = ed25519;
    expect(codeOf(bare, keyTrust)).toBe(ArtifactErrorCode.SignatureInvalid);
    expect(codeOf({ ...hmac, signature: '%%%' }, keyTrust)).toBe(
      ArtifactErrorCode.SignatureInvalid,
    );
  });
});
