import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { featurizerFromSpec, qualityModelFromSpec, type RouterArtifact } from '@routeiq/routing';
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
