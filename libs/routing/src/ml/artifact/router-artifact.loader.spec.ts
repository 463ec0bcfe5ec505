import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ArtifactManifest, RouterArtifact } from '../ml.types';
import { ArtifactError, ArtifactErrorCode } from './artifact.error';
import type { ArtifactTrust } from './artifact-trust';
import { canonicalJson } from './canonical-json';
import { signManifest, type ArtifactSigner } from './manifest-signature';
import { loadRouter } from './router-artifact.loader';
import { writeRouterArtifact } from './router-artifact.writer';
import {
  CANDIDATES,
  ed25519Pair,
  HMAC_SECRET,
  sampleArtifact,
  tempDir,
  trustOf,
} from './__fixtures__/router-artifact.fixture';

const sha256 = (bytes: Buffer | string): string => createHash('sha256').update(bytes).digest('hex');

async function refusal(
  path: string,
  trust: ArtifactTrust,
  limits?: Parameters<typeof loadRouter>[2],
): Promise<{ code: ArtifactErrorCode; message: string }> {
  const error = await loadRouter(path, trust, limits).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ArtifactError))
    throw new Error(`expected an ArtifactError, got ${String(error)}`);
  return { code: error.code, message: error.message };
}

describe(loadRouter.name, () => {
  const pair = ed25519Pair();
  const signer: ArtifactSigner = { type: 'ed25519', privateKey: pair.privateKey };
  const trust = trustOf({ ed25519PublicKey: pair.publicKey, hmacSecret: HMAC_SECRET });
  let dir: string;
  let cleanup: () => void;

  beforeEach(() => ({ dir, cleanup } = tempDir()));
  afterEach(() => cleanup());

  /** Writes router.json bytes and a manifest listing them (signed by `by`). */
  function writeRaw(
    routerText: string,
    by: ArtifactSigner | undefined = signer,
    entries?: ArtifactManifest['artifacts'],
  ): void {
    writeFileSync(join(dir, 'router.json'), routerText);
    const manifest = signManifest(
      {
        version: 'test',
        created_at: '2025-01-01T00:00:00Z',
        artifacts: entries ?? [{ path: 'router.json', sha256: sha256(routerText) }],
      },
      by,
    );
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  }

  function editManifest(edit: (m: Record<string, unknown>) => void): void {
    const path = join(dir, 'manifest.json');
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    edit(manifest);
    writeFileSync(path, JSON.stringify(manifest));
  }

  it('loads a signed router that predicts for its candidates', async () => {
    const written = await writeRouterArtifact(dir, sampleArtifact(), signer);
    const router = await loadRouter(dir, trust);
    const bytes = readFileSync(join(dir, 'router.json'));
    expect(router.sha256).toBe(sha256(bytes));
    expect(router.version).toBe(sha256(bytes).slice(0, 12));
    expect(written.version).toBe(router.version);
    expect(router.artifact).toEqual(
      expect.objectContaining({ candidates: [...CANDIDATES], candidate_costs: expect.any(Object) }),
    );
    expect(router.artifact).not.toHaveProperty('model');
    expect(router.model.candidates).toEqual([...CANDIDATES]);
    const easy = router.model.predict(router.featurizer.featurize('what is two plus five'));
    const hard = router.model.predict(
      router.featurizer.featurize('prove the hypothesis rigorously'),
    );
    expect(easy[0]).toBeGreaterThan(hard[0]!);
    expect(Object.isFrozen(router)).toBe(true);
  });

  it('loads from the manifest file and through a symlinked version directory', async () => {
    await writeRouterArtifact(join(dir, 'v1'), sampleArtifact(), signer);
    symlinkSync(join(dir, 'v1'), join(dir, 'current'));
    const viaLink = await loadRouter(join(dir, 'current'), trust);
    const viaFile = await loadRouter(join(dir, 'v1', 'manifest.json'), trust);
    expect(viaLink.version).toBe(viaFile.version);
  });

  it('loads hmac-sha256 manifests, and none only with enforcement off', async () => {
    await writeRouterArtifact(dir, sampleArtifact(), { type: 'hmac-sha256', secret: HMAC_SECRET });
    await expect(loadRouter(dir, trust)).resolves.toBeDefined();
    await writeRouterArtifact(dir, sampleArtifact());
    expect(await refusal(dir, trust)).toEqual({
      code: ArtifactErrorCode.UnsignedRefused,
      message:
        'manifest is unsigned (signature_type none) and LLMROUTER_ENFORCE_SIGNED_MODELS is true',
    });
    await expect(loadRouter(dir, trustOf({ enforceSigned: false }))).resolves.toBeDefined();
  });

  it('refuses a changed byte in router.json', async () => {
    await writeRouterArtifact(dir, sampleArtifact(), signer);
    const path = join(dir, 'router.json');
    const bytes = readFileSync(path);
    bytes[bytes.length - 3] = bytes[bytes.length - 3]! ^ 1;
    writeFileSync(path, bytes);
    expect(await refusal(dir, trust)).toEqual({
      code: ArtifactErrorCode.HashMismatch,
      message: 'router.json does not match its sha256 in the manifest (changed after signing?)',
    });
  });

  it('refuses a changed sha256 in the manifest (signature) even with a matching file', async () => {
    await writeRouterArtifact(dir, sampleArtifact(), signer);
    const tampered = canonicalJson(sampleArtifact({ threshold: 0.5 }));
    writeFileSync(join(dir, 'router.json'), tampered);
    editManifest((m) => (m.artifacts = [{ path: 'router.json', sha256: sha256(tampered) }]));
    expect((await refusal(dir, trust)).code).toBe(ArtifactErrorCode.SignatureInvalid);
  });

  it('refuses a changed signature', async () => {
    await writeRouterArtifact(dir, sampleArtifact(), signer);
    const other = signManifest(
      { version: 'x', created_at: '2025-01-01T00:00:00Z', artifacts: [] },
      { type: 'ed25519', privateKey: ed25519Pair().privateKey },
    );
    editManifest((m) => (m.signature = other.signature));
    const result = await refusal(dir, trust);
    expect(result.code).toBe(ArtifactErrorCode.SignatureInvalid);
    expect(result.message).toMatch(/ed25519 signature does not verify/);
  });

  it('refuses a signed manifest when no key for its type is configured', async () => {
    await writeRouterArtifact(dir, sampleArtifact(), signer);
    expect((await refusal(dir, trustOf())).code).toBe(ArtifactErrorCode.KeyMissing);
    await writeRouterArtifact(dir, sampleArtifact(), { type: 'hmac-sha256', secret: HMAC_SECRET });
    const result = await refusal(dir, trustOf({ ed25519PublicKey: pair.publicKey }));
    expect(result).toEqual({
      code: ArtifactErrorCode.KeyMissing,
      message: 'manifest is signed with hmac-sha256 but LLMROUTER_MODEL_HMAC_SECRET is not set',
    });
  });

  it.each(['../router.json', '/etc/passwd', 'sub/../../router.json', 'a\\router.json'])(
    'refuses the listed path %s, even signed',
    async (path) => {
      writeRaw('{}', signer, [{ path, sha256: sha256('{}') }]);
      expect((await refusal(dir, trust)).code).toBe(ArtifactErrorCode.PathEscape);
    },
  );

  it('refuses a symlink that leaves the directory, even signed with the right sha256', async () => {
    const outside = tempDir();
    try {
      const text = canonicalJson(sampleArtifact());
      writeFileSync(join(outside.dir, 'router.json'), text);
      mkdirSync(join(dir, 'v1'));
      symlinkSync(join(outside.dir, 'router.json'), join(dir, 'v1', 'router.json'));
      const manifest = signManifest(
        {
          version: 'x',
          created_at: '2025-01-01T00:00:00Z',
          artifacts: [{ path: 'router.json', sha256: sha256(text) }],
        },
        signer,
      );
      writeFileSync(join(dir, 'v1', 'manifest.json'), JSON.stringify(manifest));
      expect(await refusal(join(dir, 'v1'), trust)).toEqual({
        code: ArtifactErrorCode.PathEscape,
        message: 'router.json resolves (through a symlink) outside the manifest directory',
      });
    } finally {
      outside.cleanup();
    }
  });

  it('refuses files over the size limit', async () => {
    await writeRouterArtifact(dir, sampleArtifact(), signer);
    const limits = { maxManifestBytes: 1 << 20, maxFileBytes: 100 };
    expect((await refusal(dir, trust, limits)).code).toBe(ArtifactErrorCode.TooLarge);
    expect((await refusal(dir, trust, { ...limits, maxManifestBytes: 10 })).code).toBe(
      ArtifactErrorCode.TooLarge,
    );
  });

  it('refuses a missing manifest and a manifest out of schema', async () => {
    expect(await refusal(join(dir, 'nope'), trust)).toEqual({
      code: ArtifactErrorCode.ManifestInvalid,
      message: `manifest ${join(dir, 'nope')} cannot be read (ENOENT)`,
    });
    await writeRouterArtifact(dir, sampleArtifact(), signer);
    const edits: Array<[(m: Record<string, unknown>) => void, RegExp]> = [
      [(m) => delete m.version, /version must be a non-empty string/],
      [(m) => (m.created_at = 'yesterday'), /created_at must be an ISO-8601 timestamp/],
      [(m) => (m.artifacts = []), /artifacts must list 1 to 256 files/],
      [(m) => (m.signature_type = 'rsa'), /signature_type must be one of/],
      [
        (m) => ((m.artifacts as Array<Record<string, unknown>>)[0]!.sha256 = 'ABC'),
        /sha256 must be 64/,
      ],
    ];
    for (const [edit, message] of edits) {
      await writeRouterArtifact(dir, sampleArtifact(), signer);
      editManifest(edit);
      const result = await refusal(dir, trust);
      expect(result.code).toBe(ArtifactErrorCode.ManifestInvalid);
      expect(result.message).toMatch(message);
    }
    writeFileSync(join(dir, 'manifest.json'), '{"version": 1e999}');
    expect((await refusal(dir, trust)).message).toBe('manifest.json holds a number out of range');
  });

  it('needs exactly one router.json', async () => {
    writeRaw('{}', signer, [{ path: 'other.json', sha256: sha256('{}') }]);
    writeFileSync(join(dir, 'other.json'), '{}');
    expect((await refusal(dir, trust)).message).toBe(
      'manifest must list exactly one router.json (it lists 0)',
    );
  });

  it.each<[string, string, string]>([
    ['not JSON', 'not json', 'router.json is not valid JSON'],
    [
      'a number overflowing to Infinity',
      '{"format":"routeiq.router.v1","threshold":1e999}',
      'router.json holds a number out of range',
    ],
    ['a __proto__ key', '{"__proto__":{"polluted":true}}', 'router.json holds a "__proto__" key'],
    [
      'another format',
      canonicalJson({ ...sampleArtifact(), format: 'pickle' }),
      'router.json format must be "routeiq.router.v1"',
    ],
    [
      'duplicate candidates',
      canonicalJson(sampleArtifact({ candidates: ['a', 'a'] })),
      'router.json candidates must be unique',
    ],
    [
      'an unknown strong candidate',
      canonicalJson(sampleArtifact({ strong: 'gpt-9' })),
      'router.json strong must name one of the candidates',
    ],
  ])('refuses a signed router.json holding %s', async (_label, text, message) => {
    writeRaw(text);
    expect(await refusal(dir, trust)).toEqual({ code: ArtifactErrorCode.ArtifactInvalid, message });
  });

  it('refuses a model whose candidates differ from the artifact, and a bad featurizer', async () => {
    const three = sampleArtifact({ candidates: ['small-model', 'large-model', 'extra'] });
    writeRaw(canonicalJson(three));
    const result = await refusal(dir, trust);
    expect(result.code).toBe(ArtifactErrorCode.ArtifactInvalid);
    expect(result.message).toMatch(/^router\.json model: /);
    const artifact = sampleArtifact();
    const broken: RouterArtifact = {
      ...artifact,
      featurizer: { ...artifact.featurizer, version: 99 },
    };
    writeRaw(canonicalJson(broken));
    expect((await refusal(dir, trust)).message).toMatch(/^router\.json featurizer: /);
  });
});
