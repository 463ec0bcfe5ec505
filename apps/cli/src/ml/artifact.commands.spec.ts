import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  HashedTfidfFeaturizer,
  trainerFor,
  writeRouterArtifact,
  type RouterArtifact,
} from '@routeiq/routing';
import { runCli } from '../cli.runner';

interface Run {
  code: number;
  out: string;
  err: string;
}

async function run(argv: string[], env: Record<string, string> = {}): Promise<Run> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (l) => out.push(l), err: (l) => err.push(l) }, env);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const QUERIES = ['what is two plus two', 'prove the riemann hypothesis', 'name a colour'];

function artifact(): RouterArtifact {
  const featurizer = HashedTfidfFeaturizer.fit(QUERIES, { sparseBits: 10 });
  const model = trainerFor('knn').train(
    QUERIES.map((q) => featurizer.featurize(q)),
    {
      queries: QUERIES,
      candidates: ['small', 'large'],
      scores: Float64Array.from([1, 1, 0, 1, 1, 1]),
    },
    { k: 1 },
  );
  return {
    format: 'routeiq.router.v1',
    created_at: '2025-01-01T00:00:00Z',
    candidates: ['small', 'large'],
    featurizer: featurizer.toJSON(),
    model: model.toJSON(),
  };
}

const SECRET = 'an-hmac-secret-of-at-least-32-characters';

describe('routeiq keygen, sign, verify', () => {
  let dir: string;
  let keys: string;
  let model: string;
  let publicB64: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'routeiq-artifact-cli-'));
    keys = join(dir, 'keys');
    model = join(dir, 'model');
    await writeRouterArtifact(model, artifact());
    const keygen = await run(['keygen', '--out', keys]);
    expect(keygen.code).toBe(0);
    publicB64 = /LLMROUTER_MODEL_PUBLIC_KEY_B64=(\S+)/.exec(keygen.out)![1]!;
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const trusted = (): Record<string, string> => ({ LLMROUTER_MODEL_PUBLIC_KEY_B64: publicB64 });

  it('keygen writes a 0600 private key and a public key, and will not overwrite them', async () => {
    expect(statSync(join(keys, 'private.pem')).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(keys, 'public.pem'), 'utf8')).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    const again = await run(['keygen', '--out', keys]);
    expect(again).toMatchObject({ code: 1, err: expect.stringContaining('exists; use --force') });
    expect((await run(['keygen', '--out', keys, '--force'])).code).toBe(0);
    expect((await run(['keygen'])).code).toBe(2);
  });

  it('signs with the private key and verifies with the printed public key', async () => {
    const sign = await run(['sign', '--manifest', model, '--key', join(keys, 'private.pem')]);
    expect(sign).toMatchObject({
      code: 0,
      out: expect.stringMatching(
        /^signed .*manifest\.json \(ed25519\)\n {2}[0-9a-f]{64} {2}router\.json$/,
      ),
    });
    const verify = await run(['verify', '--manifest', join(model, 'manifest.json')], trusted());
    expect(verify.code).toBe(0);
    expect(verify.out).toMatch(/^verified .*\(ed25519, manifest version [0-9a-f]{12}\)/);
    expect(verify.out).toMatch(
      /router [0-9a-f]{12}: knn model, hashed-tfidf featurizer, candidates small, large$/,
    );
    const viaPath = { LLMROUTER_MODEL_PUBLIC_KEY_PATH: join(keys, 'public.pem') };
    expect((await run(['verify', '--manifest', model], viaPath)).code).toBe(0);
  });

  it('signs with an HMAC secret from the environment', async () => {
    const env = { ROUTER_SECRET: SECRET };
    expect(
      (await run(['sign', '--manifest', model, '--hmac-secret-env', 'ROUTER_SECRET'], env)).code,
    ).toBe(0);
    expect(
      (await run(['verify', '--manifest', model], { LLMROUTER_MODEL_HMAC_SECRET: SECRET })).code,
    ).toBe(0);
    const short = await run(['sign', '--manifest', model, '--hmac-secret-env', 'S'], {
      S: 'short',
    });
    expect(short).toMatchObject({ code: 1, err: 'routeiq sign: S must be at least 32 characters' });
    const unset = await run(['sign', '--manifest', model, '--hmac-secret-env', 'NOPE']);
    expect(unset).toMatchObject({ code: 1, err: 'routeiq sign: NOPE is not set' });
  });

  it('needs exactly one way to sign', async () => {
    const neither = await run(['sign', '--manifest', model]);
    expect(neither.code).toBe(2);
    expect(neither.err).toContain('give exactly one of --key <file> or --hmac-secret-env <NAME>');
    const both = await run(['sign', '--manifest', model, '--key', 'k', '--hmac-secret-env', 'X']);
    expect(both.code).toBe(2);
  });

  describe('verify refuses, exit 1 with the reason', () => {
    beforeEach(async () => {
      expect(
        (await run(['sign', '--manifest', model, '--key', join(keys, 'private.pem')])).code,
      ).toBe(0);
    });

    function editManifest(edit: (manifest: Record<string, unknown>) => void): void {
      const path = join(model, 'manifest.json');
      const manifest = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
      edit(manifest);
      writeFileSync(path, JSON.stringify(manifest));
    }

    async function expectRefused(reason: string | RegExp, env = trusted()): Promise<void> {
      const result = await run(['verify', '--manifest', model], env);
      expect(result.code).toBe(1);
      expect(result.out).toBe('');
      expect(result.err).toMatch(typeof reason === 'string' ? `routeiq verify: ${reason}` : reason);
    }

    it('a changed byte in router.json', async () => {
      const path = join(model, 'router.json');
      const bytes = readFileSync(path);
      bytes[10] = bytes[10]! ^ 1;
      writeFileSync(path, bytes);
      await expectRefused(
        'router.json does not match its sha256 in the manifest (changed after signing?)',
      );
    });

    it('a changed sha256 in the manifest', async () => {
      editManifest((m) => ((m.artifacts as Array<{ sha256: string }>)[0]!.sha256 = '0'.repeat(64)));
      await expectRefused(/manifest ed25519 signature does not verify with the configured key/);
    });

    it('a changed signature', async () => {
      editManifest((m) => (m.signature = Buffer.alloc(64, 7).toString('base64')));
      await expectRefused(/signature does not verify/);
    });

    it('a path escaping the directory', async () => {
      editManifest(
        (m) => (m.artifacts = [{ path: '../keys/private.pem', sha256: '0'.repeat(64) }]),
      );
      await expectRefused(
        /manifest path "\.\.\/keys\/private\.pem" must be relative, inside the manifest directory/,
      );
    });

    it('a missing key with enforcement on', async () => {
      await expectRefused(/manifest is signed with ed25519 but no public key is configured/, {});
    });

    it('signature_type none with enforcement on, accepted only with it off', async () => {
      await writeRouterArtifact(model, artifact());
      await expectRefused(
        /unsigned \(signature_type none\) and LLMROUTER_ENFORCE_SIGNED_MODELS is true/,
      );
      const off = await run(['verify', '--manifest', model], {
        LLMROUTER_ENFORCE_SIGNED_MODELS: 'false',
      });
      expect(off.code).toBe(0);
    });

    it('a bad trust setting', async () => {
      await expectRefused(/LLMROUTER_MODEL_PUBLIC_KEY_B64: is not base64/, {
        LLMROUTER_MODEL_PUBLIC_KEY_B64: '!!',
      });
    });
  });

  it('signs and verifies a custom router directory without running its module', async () => {
    const custom = join(dir, 'custom');
    const marker = join(dir, 'ran');
    mkdirSync(custom);
    writeFileSync(
      join(custom, 'router.js'),
      `require('node:fs').writeFileSync(${JSON.stringify(marker)}, '');`,
    );
    const key = join(keys, 'private.pem');
    expect(
      (await run(['sign', '--manifest', custom, '--key', key, '--add', 'router.js'])).code,
    ).toBe(0);
    const verify = await run(['verify', '--manifest', custom], trusted());
    expect(verify.code).toBe(0);
    expect(verify.out).toMatch(/ {2}[0-9a-f]{64} {2}router\.js$/);
    expect(existsSync(marker)).toBe(false);
  });
});
