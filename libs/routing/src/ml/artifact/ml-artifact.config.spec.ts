import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigValidationError } from '@routeiq/config';
import { publicKeyBase64 } from './artifact-keys';
import { artifactTrustOf } from './artifact-trust';
import { resolveMlArtifactConfig } from './ml-artifact.config';
import { tempDir } from './__fixtures__/router-artifact.fixture';

function problemsOf(env: Record<string, string>): string[] {
  try {
    resolveMlArtifactConfig(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) {
      return error.problems.map((p) => `${p.path}: ${p.message}`);
    }
    throw error;
  }
  return [];
}

describe(resolveMlArtifactConfig.name, () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  let dir: string;
  let cleanup: () => void;

  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('enforces signed models by default and holds no keys', () => {
    const config = resolveMlArtifactConfig({});
    expect(config.enforceSignedModels).toBe(true);
    expect(artifactTrustOf(config)).toEqual({
      enforceSigned: true,
      ed25519PublicKey: undefined,
      hmacSecret: undefined,
    });
  });

  it('reads every variable', () => {
    const secret = 's'.repeat(32);
    const config = resolveMlArtifactConfig({
      LLMROUTER_ENFORCE_SIGNED_MODELS: 'false',
      LLMROUTER_MODEL_PUBLIC_KEY_B64: publicKeyBase64(publicKey),
      LLMROUTER_MODEL_HMAC_SECRET: secret,
      LLMROUTER_CUSTOM_ROUTERS_PATH: '/opt/routers',
    });
    expect(config.enforceSignedModels).toBe(false);
    expect(config.customRoutersPath).toBe('/opt/routers');
    const trust = artifactTrustOf(config);
    expect(trust.ed25519PublicKey?.equals(publicKey)).toBe(true);
    expect(trust.hmacSecret?.toString()).toBe(secret);
  });

  it('reads the public key from a PEM file', () => {
    const path = join(dir, 'public.pem');
    writeFileSync(path, publicKey.export({ format: 'pem', type: 'spki' }));
    const config = resolveMlArtifactConfig({ LLMROUTER_MODEL_PUBLIC_KEY_PATH: path });
    expect(artifactTrustOf(config).ed25519PublicKey?.equals(publicKey)).toBe(true);
  });

  it('names every bad variable without echoing secrets', () => {
    expect(
      problemsOf({
        LLMROUTER_ENFORCE_SIGNED_MODELS: 'maybe',
        LLMROUTER_MODEL_HMAC_SECRET: 'short-secret',
      }),
    ).toEqual([
      'LLMROUTER_ENFORCE_SIGNED_MODELS: must be true or false',
      'LLMROUTER_MODEL_HMAC_SECRET: must be at least 32 characters (e.g. openssl rand -base64 32)',
    ]);
    expect(problemsOf({ LLMROUTER_MODEL_PUBLIC_KEY_B64: 'AAAA' })).toEqual([
      'LLMROUTER_MODEL_PUBLIC_KEY_B64: is neither an SPKI DER public key nor a raw 32-byte Ed25519 key',
    ]);
  });

  it('refuses an unreadable key file, a private key file, and both key variables at once', () => {
    expect(problemsOf({ LLMROUTER_MODEL_PUBLIC_KEY_PATH: join(dir, 'missing.pem') })).toEqual([
      'LLMROUTER_MODEL_PUBLIC_KEY_PATH: cannot be read (ENOENT)',
    ]);
    const path = join(dir, 'private.pem');
    writeFileSync(path, privateKey.export({ format: 'pem', type: 'pkcs8' }));
    expect(problemsOf({ LLMROUTER_MODEL_PUBLIC_KEY_PATH: path })).toEqual([
      'LLMROUTER_MODEL_PUBLIC_KEY_PATH: holds a private key; give the gateway the public key only',
    ]);
    expect(
      problemsOf({
        LLMROUTER_MODEL_PUBLIC_KEY_PATH: path,
        LLMROUTER_MODEL_PUBLIC_KEY_B64: publicKeyBase64(publicKey),
      }),
    ).toEqual([
      'LLMROUTER_MODEL_PUBLIC_KEY_PATH: set LLMROUTER_MODEL_PUBLIC_KEY_B64 or LLMROUTER_MODEL_PUBLIC_KEY_PATH, not both',
    ]);
  });
});
