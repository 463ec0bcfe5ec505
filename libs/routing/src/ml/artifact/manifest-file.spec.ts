import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ArtifactManifest } from '../ml.types';
import { ArtifactErrorCode } from './artifact.error';
import { readVerifiedArtifacts } from './artifact-manifest';
import { signManifestFile } from './manifest-file';
import { writeRouterArtifact } from './router-artifact.writer';
import {
  ed25519Pair,
  HMAC_SECRET,
  sampleArtifact,
  tempDir,
  trustOf,
} from './__fixtures__/router-artifact.fixture';

describe(signManifestFile.name, () => {
  const pair = ed25519Pair();
  const trust = trustOf({ ed25519PublicKey: pair.publicKey, hmacSecret: HMAC_SECRET });
  let dir: string;
  let cleanup: () => void;

  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('recomputes every sha256 and signs, keeping version and created_at', async () => {
    await writeRouterArtifact(dir, sampleArtifact(), undefined, { version: 'v9' });
    writeFileSync(join(dir, 'router.json'), `${readFileSync(join(dir, 'router.json'), 'utf8')} `);
    await expect(
      readVerifiedArtifacts(dir, trustOf({ enforceSigned: false })),
    ).rejects.toMatchObject({
      code: ArtifactErrorCode.HashMismatch,
    });
    const { manifest } = await signManifestFile(dir, {
      type: 'ed25519',
      privateKey: pair.privateKey,
    });
    expect(manifest.version).toBe('v9');
    expect(manifest.signature_type).toBe('ed25519');
    const verified = await readVerifiedArtifacts(join(dir, 'manifest.json'), trust);
    expect([...verified.files.keys()]).toEqual(['router.json']);
  });

  it('creates a manifest for added files (a custom router directory)', async () => {
    writeFileSync(
      join(dir, 'router.js'),
      'module.exports = () => ({ pick: () => ({ index: 0 }) });',
    );
    writeFileSync(join(dir, 'weights.json'), '[1, 2]');
    await signManifestFile(
      dir,
      { type: 'hmac-sha256', secret: HMAC_SECRET },
      { add: ['router.js', './weights.json', 'router.js'], now: new Date('2025-01-01T00:00:00Z') },
    );
    const manifest = JSON.parse(
      readFileSync(join(dir, 'manifest.json'), 'utf8'),
    ) as ArtifactManifest;
    expect(manifest.artifacts.map((a) => a.path)).toEqual(['router.js', './weights.json']);
    expect(manifest.created_at).toBe('2025-01-01T00:00:00.000Z');
    expect(manifest.version).toMatch(/^[0-9a-f]{12}$/);
    await expect(readVerifiedArtifacts(dir, trust)).resolves.toBeDefined();
  });

  it('refuses a missing manifest with nothing to add, and paths leaving the directory', async () => {
    await expect(signManifestFile(dir, undefined)).rejects.toMatchObject({
      code: ArtifactErrorCode.ManifestInvalid,
    });
    await expect(signManifestFile(dir, undefined, { add: ['../escape.js'] })).rejects.toMatchObject(
      {
        code: ArtifactErrorCode.PathEscape,
      },
    );
    await expect(signManifestFile(dir, undefined, { add: ['missing.js'] })).rejects.toMatchObject({
      message: 'missing.js cannot be read (ENOENT)',
    });
  });
});
