import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  featurizerFromSpec,
  qualityModelFromSpec,
  type RemoteEmbeddingFeaturizer,
  type RouterArtifact,
} from '@routeiq/routing';
import { OpenAiStubServer } from '@routeiq/testing';
import { fixture, GPT4, MIXTRAL, routeiq } from './__fixtures__/ml-cli.harness';

describe('routeiq train', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'routeiq-train-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const readArtifact = (out: string): RouterArtifact =>
    JSON.parse(readFileSync(join(out, 'router.json'), 'utf8')) as RouterArtifact;

  it('trains kNN on the LLMRouter subset and writes a loadable router.json listed in manifest.json', async () => {
    const out = join(dir, 'knn');
    const run = await routeiq([
      'train',
      '--router',
      'knn',
      '--data',
      fixture('llmrouter-matrix.jsonl'),
      '--prices',
      fixture('llmrouter-prices.json'),
      '--out',
      out,
      '--option',
      'k=5',
    ]);
    expect(run.code).toBe(0);
    expect(run.err[0]).toBe(
      'data: llmrouter-matrix.jsonl (score-matrix): 141 queries x 9 candidates (142 rows, 1 duplicated queries merged, costs known)',
    );
    expect(run.err[run.err.length - 1]).toMatch(/^train knn \[#{30}\] 100%/);
    expect(run.out[1]).toContain('unsigned: run routeiq sign');
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8'));
    const bytes = readFileSync(join(out, 'router.json'));
    expect(manifest).toMatchObject({
      signature_type: 'none',
      artifacts: [
        { path: 'router.json', sha256: createHash('sha256').update(bytes).digest('hex') },
      ],
    });
    const artifact = readArtifact(out);
    expect(artifact.candidates).toHaveLength(9);
    expect(artifact.model).toMatchObject({ kind: 'knn', k: 5 });
    expect(artifact.candidate_costs!['gemma-2-9b-it']).toBeCloseTo(0.0001, 12);
    expect(artifact.weak).toBe('codegemma-7b');
    expect(artifact.training).toMatchObject({
      data: 'llmrouter-matrix.jsonl',
      queries: 141,
      rows: 142,
      seed: 1,
      options: { k: 5 },
    });
    const featurizer = featurizerFromSpec(artifact.featurizer);
    const model = qualityModelFromSpec(artifact.model, artifact.candidates);
    const predicted = model.predict(featurizer.featurize('What is 12 times 7?'));
    expect(predicted).toHaveLength(9);
    expect([...predicted].every((q) => q >= 0 && q <= 1)).toBe(true);
  });

  it('is deterministic: the same data and seed give the same model', async () => {
    const args = [
      'train',
      '--router',
      'knn',
      '--data',
      fixture('routellm-gsm8k.csv'),
      '--strong',
      GPT4,
      '--weak',
      MIXTRAL,
    ];
    await routeiq([...args, '--out', join(dir, 'a')]);
    await routeiq([...args, '--out', join(dir, 'b')]);
    const [a, b] = [readArtifact(join(dir, 'a')), readArtifact(join(dir, 'b'))];
    expect(a.model).toEqual(b.model);
    expect(a.featurizer).toEqual(b.featurizer);
    expect(a).toMatchObject({ strong: GPT4, weak: MIXTRAL });
    expect(a.candidate_costs).toBeUndefined();
  });

  it('refuses bad arguments with usage (exit 2)', async () => {
    const data = fixture('llmrouter-matrix.jsonl');
    for (const argv of [
      ['train', '--data', data, '--out', dir],
      ['train', '--router', 'forest', '--data', data, '--out', dir],
      ['train', '--router', 'knn', '--data', data],
      ['train', '--router', 'knn', '--out', dir],
      ['train', '--router', 'knn', '--data', data, '--out', dir, '--option', 'k'],
      ['train', '--router', 'knn', '--data', data, '--out', dir, '--format', 'parquet'],
      ['train', '--router', 'knn', '--data', data, '--out', dir, '--strong', GPT4],
      ['train', '--router', 'knn', '--data', data, '--out', dir, '--seed', '-1'],
      [
        'train',
        '--router',
        'knn',
        '--data',
        data,
        '--out',
        dir,
        '--feature-option',
        'sparsebits=12',
      ],
    ]) {
      const run = await routeiq(argv);
      expect({ argv, code: run.code }).toEqual({ argv, code: 2 });
      expect(run.err.join('\n')).toContain('Usage: routeiq train');
    }
  });

  it('fails (exit 1) on an option the trainer refuses and on malformed data, writing nothing', async () => {
    const badOption = await routeiq([
      'train',
      '--router',
      'knn',
      '--data',
      fixture('llmrouter-matrix.jsonl'),
      '--out',
      join(dir, 'x'),
      '--option',
      'k=0',
    ]);
    expect(badOption.code).toBe(1);
    expect(badOption.err.join('\n')).toMatch(/routeiq train: .*"k"/);
    const file = join(dir, 'bad.jsonl');
    writeFileSync(file, '{"query": "q", "scores": {"m": 1}}\n{"query": "r", "scores": {"m": 7}}\n');
    const badData = await routeiq([
      'train',
      '--router',
      'knn',
      '--data',
      file,
      '--out',
      join(dir, 'y'),
    ]);
    expect(badData).toMatchObject({
      code: 1,
      err: [`routeiq train: ${file}: line 2: score "m" is not a number in [0, 1]`],
    });
    expect(() => readFileSync(join(dir, 'x', 'router.json'))).toThrow(/ENOENT/);
  });
});

describe('routeiq train --featurizer remote-embedding', () => {
  const KEY = 'sk-embed-secret-0123456789';
  const ENV = { EMBED_KEY: KEY };
  let dir: string;
  let stub: OpenAiStubServer;
  let baseUrl: string;

  /** A deterministic 8-dimensional stand-in for an embedding model. */
  const embed = (text: string): number[] =>
    Array.from({ length: 8 }, (_, i) => (text.charCodeAt(i % text.length) % 7) - 3 + i / 10);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'routeiq-train-'));
    stub = new OpenAiStubServer();
    baseUrl = await stub.start();
    stub.embed = embed;
  });
  afterEach(async () => {
    await stub.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const remote = (...extra: string[]): string[] => [
    'train',
    '--data',
    fixture('llmrouter-matrix.jsonl'),
    '--out',
    join(dir, 'out'),
    '--featurizer',
    'remote-embedding',
    '--embed-base-url',
    baseUrl,
    '--embed-model',
    'embedder',
    ...extra,
  ];

  it('embeds every query through the endpoint and trains a dense kNN recording the model', async () => {
    const run = await routeiq(
      remote('--router', 'knn', '--embed-api-key-env', 'EMBED_KEY', '--embed-batch', '50'),
      ENV,
    );
    expect(run.code).toBe(0);
    expect(run.err[1]).toBe(`embedding 141 queries with embedder at ${baseUrl}`);
    expect(run.err).toContainEqual(
      expect.stringMatching(/^embed embedder \[#{30}\] 100% 141\/141/),
    );
    expect([...run.out, ...run.err].join('\n')).not.toContain(KEY);
    expect(stub.requests.map((r) => (r.body.input as string[]).length)).toEqual([50, 50, 41]);
    expect(stub.requests.every((r) => r.headers.authorization === `Bearer ${KEY}`)).toBe(true);

    const artifact = JSON.parse(
      readFileSync(join(dir, 'out', 'router.json'), 'utf8'),
    ) as RouterArtifact;
    expect(artifact.featurizer).toEqual({
      kind: 'remote-embedding',
      version: 1,
      model: 'embedder',
      dimensions: 8,
      normalize: true,
    });
    expect(artifact.model).toMatchObject({ kind: 'knn', version: 2, dense_size: 8, queries: 141 });
    expect(artifact.training).toMatchObject({
      featurizer: 'remote-embedding',
      embedding_model: 'embedder',
    });
    expect(JSON.stringify(artifact)).not.toContain(KEY);

    const featurizer = featurizerFromSpec(artifact.featurizer) as RemoteEmbeddingFeaturizer;
    const model = qualityModelFromSpec(artifact.model, artifact.candidates);
    const predicted = model.predict(featurizer.featurizeEmbedding(embed('What is 12 times 7?')));
    expect([...predicted].every((q) => q >= 0 && q <= 1)).toBe(true);
  });

  it('trains the other dense-capable kinds too', async () => {
    const run = await routeiq(remote('--router', 'mlp', '--option', 'epochs=2'));
    expect(run.code).toBe(0);
    expect(stub.last().headers.authorization).toBeUndefined();
    const artifact = JSON.parse(
      readFileSync(join(dir, 'out', 'router.json'), 'utf8'),
    ) as RouterArtifact;
    expect(artifact.model).toMatchObject({ kind: 'mlp', dense_size: 8 });
  });

  it('refuses bad or missing embedding options with usage (exit 2), calling nothing', async () => {
    const data = fixture('llmrouter-matrix.jsonl');
    const cases: Array<[string[], RegExp]> = [
      [
        ['train', '--router', 'knn', '--data', data, '--out', dir, '--embed-model', 'e'],
        /--embed-model needs --featurizer remote-embedding/,
      ],
      [
        ['train', '--router', 'knn', '--data', data, '--out', dir, '--featurizer', 'bert'],
        /--featurizer must be one of/,
      ],
      [remote('--router', 'elo'), /--router elo needs the hashed-tfidf featurizer/],
      [
        remote('--router', 'knn', '--feature-option', 'sparseBits=12'),
        /--feature-option sets hashed-tfidf options/,
      ],
      [
        remote('--router', 'knn', '--embed-api-key-env', 'NOT_SET_ANYWHERE'),
        /environment variable NOT_SET_ANYWHERE is not set/,
      ],
      [
        remote('--router', 'knn', '--embed-api-key-env', 'sk-oops'),
        /takes the name of an environment variable/,
      ],
      [
        remote('--router', 'knn', '--embed-batch', '0'),
        /--embed-batch must be an integer from 1 to 2048/,
      ],
      [
        [
          'train',
          '--router',
          'knn',
          '--data',
          data,
          '--out',
          dir,
          '--featurizer',
          'remote-embedding',
          '--embed-model',
          'e',
        ],
        /--embed-base-url <url> is required/,
      ],
      [
        [
          'train',
          '--router',
          'knn',
          '--data',
          data,
          '--out',
          dir,
          '--featurizer',
          'remote-embedding',
          '--embed-base-url',
          baseUrl,
        ],
        /--embed-model <group> is required/,
      ],
      [
        remote('--router', 'knn', '--embed-base-url', 'ftp://127.0.0.1/v1'),
        /must be an http\(s\) URL/,
      ],
      [
        remote('--router', 'knn', '--embed-base-url', 'http://user:pw@127.0.0.1/v1'),
        /must not hold credentials/,
      ],
    ];
    for (const [argv, message] of cases) {
      const run = await routeiq(argv, ENV);
      expect({ argv, code: run.code }).toEqual({ argv, code: 2 });
      expect(run.err.join('\n')).toMatch(message);
      expect(run.err.join('\n')).toContain('Usage: routeiq train');
    }
    expect(stub.requests).toHaveLength(0);
  });

  it('fails (exit 1) when the endpoint refuses, with its message but never the key', async () => {
    stub.failAll('/v1/embeddings', {
      kind: 'json',
      status: 401,
      body: { error: { message: `Incorrect API key provided: ${KEY}` } },
    });
    const run = await routeiq(remote('--router', 'knn', '--embed-api-key-env', 'EMBED_KEY'), ENV);
    expect(run.code).toBe(1);
    expect(run.err.join('\n')).toMatch(
      /the endpoint answered 401: Incorrect API key provided: \*\*\*/,
    );
    expect(run.err.join('\n')).not.toContain(KEY);
    expect(() => readFileSync(join(dir, 'out', 'router.json'))).toThrow(/ENOENT/);
  });
});
