import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ArtifactManifest } from '../ml.types';
import { ArtifactErrorCode } from './artifact.error';
import { sha256Hex } from './artifact-files';
import { verifyManifestSignature } from './manifest-signature';
import { writeRouterArtifact } from './router-artifact.writer';
import {
  ed25519Pair,
  sampleArtifact,
  tempDir,
  trustOf,
} from './__fixtures__/router-artifact.fixture';

describe(writeRouterArtifact.name, () => {
  let dir: string;
  let cleanup: () => void;

  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  it('writes router.json and a signed manifest listing it, leaving no temp files', async () => {
    const pair = ed25519Pair();
    const out = join(dir, 'nested', 'v1');
    const written = await writeRouterArtifact(
      out,
      sampleArtifact(),
      { type: 'ed25519', privateKey: pair.privateKey },
      { version: 'release-7', now: new Date('2025-02-03T04:05:06Z') },
    );
    const bytes = readFileSync(join(out, 'router.json'));
    const manifest = JSON.parse(
      readFileSync(join(out, 'manifest.json'), 'utf8'),
    ) as ArtifactManifest;
    expect(written.sha256).toBe(sha256Hex(bytes));
    expect(manifest).toEqual({
      version: 'release-7',
      created_at: '2025-02-03T04:05:06.000Z',
      artifacts: [{ path: 'router.json', sha256: written.sha256 }],
      signature_type: 'ed25519',
      signature: expect.stringMatching(/^[A-Za-z0-9+/]{86}==$/),
    });
    expect(() =>
      verifyManifestSignature(manifest, trustOf({ ed25519PublicKey: pair.publicKey })),
    ).not.toThrow();
    expect(readdirSync(out).sort()).toEqual(['manifest.json', 'router.json']);
  });

  it('is deterministic: the same artifact has the same sha256, whatever its key order', async () => {
    const artifact = sampleArtifact();
    const { model, ...rest } = artifact;
    const reordered = { model, ...rest };
    const first = await writeRouterArtifact(join(dir, 'a'), artifact);
    const second = await writeRouterArtifact(join(dir, 'b'), reordered);
    expect(second.sha256).toBe(first.sha256);
    expect(first.manifest.signature_type).toBe('none');
    expect(first.manifest.version).toBe(first.sha256.slice(0, 12));
  });

  it('refuses, writing nothing, an artifact the gateway would not load', async () => {
    const nan = sampleArtifact({ threshold: Number.NaN });
    await expect(writeRouterArtifact(join(dir, 'nan'), nan)).rejects.toMatchObject({
      code: ArtifactErrorCode.ArtifactInvalid,
      message: 'router.json $.threshold is not a finite number',
    });
    const artifact = sampleArtifact();
    const broken = { ...artifact, model: { ...artifact.model, k: 0 } };
    await expect(writeRouterArtifact(join(dir, 'broken'), broken)).rejects.toMatchObject({
      code: ArtifactErrorCode.ArtifactInvalid,
      message: expect.stringMatching(/^router\.json model: /),
    });
    expect(existsSync(join(dir, 'nan'))).toBe(false);
    expect(existsSync(join(dir, 'broken'))).toBe(false);
  });
});
